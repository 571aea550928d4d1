#include "shoal/metainfo/path_sanitize.hpp"

#include <algorithm>
#include <array>

#include "shoal/util/utf8.hpp"

namespace shoal {

namespace {

constexpr std::size_t max_element_bytes = 240;

// These change the writing direction and can disguise a file's real extension.
bool is_bidi_control(std::int32_t cp) {
  static constexpr std::array<std::int32_t, 7> bad = {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x200e, 0x200f};
  return std::find(bad.begin(), bad.end(), cp) != bad.end();
}

// Cuts `name` to max_element_bytes at a code point boundary, keeping an extension of up to
// 10 bytes so the file type survives.
std::string shorten(const std::string& name) {
  std::string ext;
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0 && name.size() - dot <= 10) ext = name.substr(dot);
  std::size_t keep = max_element_bytes - ext.size();
  // Back up over continuation bytes so no code point is split.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + ext;
}

}  // namespace

std::string sanitize_path_element(std::string_view element) {
  if (element.empty()) return "_";
  std::string out;
  out.reserve(element.size());
  std::size_t dots = 0;
  while (!element.empty()) {
    const auto c = decode_utf8(element);
    element.remove_prefix(c.length);
    if (c.value == '/' || c.value == '\\' || is_bidi_control(c.value)) continue;
    if (c.value < 32) {  // invalid UTF-8 (-1) or a control character such as NUL
      out += '_';
      continue;
    }
    if (c.value == '.') ++dots;
    append_utf8(out, c.value);
  }
  // "", "." and ".." (also what "/" or "/.." shrink to) would escape or name nothing.
  if (dots == out.size() && out.size() <= 2) return {};
  if (out.size() > max_element_bytes) out = shorten(out);
  return out;
}

}  // namespace shoal
