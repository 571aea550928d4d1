#include "shoal/bencode/encode.hpp"

#include <charconv>

namespace shoal::bencode {

namespace {
void append_decimal(std::string& out, integer i) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
  (void)ec;  // 24 bytes always fit an int64
  out.append(buf, end);
}
}  // namespace

void append_int(std::string& out, integer i) {
  out.push_back('i');
  append_decimal(out, i);
  out.push_back('e');
}

void append_string(std::string& out, std::string_view s) {
  append_decimal(out, static_cast<integer>(s.size()));
  out.push_back(':');
  out.append(s);
}

void encode_to(std::string& out, const value& v) {
  if (v.is_int()) {
    append_int(out, v.as_int());
  } else if (v.is_string()) {
    append_string(out, v.as_string());
  } else if (v.is_list()) {
    out.push_back('l');
    for (const auto& item : v.as_list()) encode_to(out, item);
    out.push_back('e');
  } else {
    out.push_back('d');
    for (const auto& [key, item] : v.as_dict()) {
      append_string(out, key);
      encode_to(out, item);
    }
    out.push_back('e');
  }
}

std::string encode(const value& v) {
  std::string out;
  encode_to(out, v);
  return out;
}

}  // namespace shoal::bencode
