#pragma once
// JSON text written straight into a string: the RPC's replies (thousands of torrents per torrent-get, so no
// tree is built). Integers stay integers and reals always carry a decimal point: Transmission's clients read a
// field as an integer or as a real by its spelling. Strings are made valid UTF-8 and escaped.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::rpc {

class json_writer {
 public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  json_writer& value(bool b);
  json_writer& value(std::int64_t n);
  json_writer& value(std::uint64_t n);
  json_writer& value(int n) { return value(static_cast<std::int64_t>(n)); }
  json_writer& value(double d);
  json_writer& null();
  // Text that is already JSON (a nested reply built elsewhere).
  json_writer& raw(std::string_view json);

  // Room for `n` bytes in all: a reply of megabytes grows without copies (pages a reserve never touches cost
  // no memory).
  void reserve(std::size_t n) { out_.reserve(n); }
  std::size_t size() const { return out_.size(); }
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  void open(char c);
  void close(char c);

  std::string out_;
  std::vector<bool> has_items_;  // per open object/array: a comma goes before the next item
  bool after_key_ = false;
};

// `s` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);

}  // namespace shoal::rpc
