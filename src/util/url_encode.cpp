#include "shoal/util/url_encode.hpp"

namespace shoal {

namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

void url_encode_to(std::string& out, std::string_view bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  out.reserve(out.size() + bytes.size() * 3);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
}

std::string url_encode(std::string_view bytes) {
  std::string out;
  url_encode_to(out, bytes);
  return out;
}

}  // namespace shoal
