#include "shoal/metainfo/path_sanitize.hpp"

#include <algorithm>
#include <array>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/utf8.hpp"

namespace shoal {

namespace {

// NAME_MAX of Linux file systems (ext4, xfs, btrfs, tmpfs): every name they can hold is kept as it is,
// so a torrent made from real files always finds them again. libtorrent cuts at 240 (docs/metainfo.md).
constexpr std::size_t max_element_bytes = 255;
constexpr std::size_t max_extension_bytes = 10;

// These change the writing direction and can disguise a file's real extension.
bool is_bidi_control(std::int32_t cp) {
  static constexpr std::array<std::int32_t, 7> bad = {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x200e, 0x200f};
  return std::find(bad.begin(), bad.end(), cp) != bad.end();
}

// Shortens `name` to max_element_bytes at a code point boundary as prefix + "~" + 8 hex digits of the
// SHA-1 of the whole name + extension (up to 10 bytes): the file type survives, and two long names
// sharing their first 240 bytes stay apart. Deterministic, so seed and leech find the same file.
std::string shorten(const std::string& name) {
  std::string ext;
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0 && name.size() - dot <= max_extension_bytes) ext = name.substr(dot);
  sha1_hasher hasher;
  hasher.update(name);
  const std::string suffix = "~" + hasher.final().hex().substr(0, 8) + ext;
  std::size_t keep = max_element_bytes - suffix.size();
  // Back up over continuation bytes so no code point is split.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + suffix;
}

}  // namespace

std::string fit_path_element(std::string element, bool* shortened) {
  if (shortened) *shortened = false;
  if (element.size() <= max_element_bytes) return element;
  if (shortened) *shortened = true;
  return shorten(element);
}

std::string sanitize_path_element(std::string_view element, bool* shortened) {
  if (shortened) *shortened = false;
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
  return fit_path_element(std::move(out), shortened);
}

}  // namespace shoal
