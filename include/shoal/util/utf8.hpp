#pragma once
// Minimal UTF-8 decoding for untrusted strings (torrent paths, names, comments).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal {

struct utf8_codepoint {
  std::int32_t value = -1;  // -1: invalid or truncated sequence
  std::size_t length = 1;   // bytes consumed (>= 1, so loops always advance)
};

// Decodes the code point at the front of s (s must not be empty). Rejects overlong forms,
// surrogates and values above U+10FFFF.
utf8_codepoint decode_utf8(std::string_view s);

// Appends the UTF-8 encoding of cp (0 <= cp <= 0x10FFFF).
void append_utf8(std::string& out, std::int32_t cp);

// s with every invalid sequence replaced by `replacement` (for JSON and terminals).
std::string to_valid_utf8(std::string_view s, std::string_view replacement = "\xEF\xBF\xBD");

}  // namespace shoal
