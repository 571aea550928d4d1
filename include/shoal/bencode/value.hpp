#pragma once
// A decoded bencode value. It knows nothing of torrents. Each value decoded from bytes
// remembers the span of input it came from, so callers can hash original bytes
// (the info-hash) instead of a re-encoding.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shoal::bencode {

class value;
using integer = std::int64_t;
using string = std::string;
using list = std::vector<value>;
// Keys compare as raw bytes, which is the canonical bencode order.
using dict = std::map<std::string, value, std::less<>>;

struct span {
  std::size_t offset = 0;  // first byte of the value in the decoded input
  std::size_t length = 0;  // 0 for values built in code
};

class value {
 public:
  value() : v_(integer{0}) {}
  value(integer i) : v_(i) {}
  value(int i) : v_(integer{i}) {}
  value(string s) : v_(std::move(s)) {}
  value(const char* s) : v_(string(s)) {}
  value(std::string_view s) : v_(string(s)) {}
  value(list l) : v_(std::move(l)) {}
  value(dict d) : v_(std::move(d)) {}

  bool is_int() const { return v_.index() == 0; }
  bool is_string() const { return v_.index() == 1; }
  bool is_list() const { return v_.index() == 2; }
  bool is_dict() const { return v_.index() == 3; }
  const char* type_name() const;

  integer as_int() const { return std::get<integer>(v_); }
  const string& as_string() const { return std::get<string>(v_); }
  const list& as_list() const { return std::get<list>(v_); }
  const dict& as_dict() const { return std::get<dict>(v_); }
  list& as_list() { return std::get<list>(v_); }
  dict& as_dict() { return std::get<dict>(v_); }

  // Dictionary lookup; nullptr when this is not a dict or the key is absent.
  const value* find(std::string_view key) const;

  const bencode::span& source() const { return span_; }
  void set_source(bencode::span s) { span_ = s; }

 private:
  std::variant<integer, string, list, dict> v_;
  bencode::span span_;
};

}  // namespace shoal::bencode
