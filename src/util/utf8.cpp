#include "shoal/util/utf8.hpp"

namespace shoal {

utf8_codepoint decode_utf8(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t need;
  std::int32_t cp;
  std::int32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    need = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {};  // continuation byte or 0xF8..0xFF as a lead byte
  }
  if (s.size() <= need) return {};
  for (std::size_t i = 1; i <= need; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    // A bad continuation byte is not consumed: it may start the next valid sequence.
    if ((b & 0xC0) != 0x80) return {-1, i};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {-1, need + 1};
  return {cp, need + 1};
}

void append_utf8(std::string& out, std::int32_t cp) {
  const auto u = static_cast<std::uint32_t>(cp);
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

std::string to_valid_utf8(std::string_view s, std::string_view replacement) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const auto c = decode_utf8(s);
    if (c.value < 0)
      out += replacement;
    else
      out.append(s.data(), c.length);
    s.remove_prefix(c.length);
  }
  return out;
}

}  // namespace shoal
