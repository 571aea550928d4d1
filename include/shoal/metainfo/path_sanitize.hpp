#pragma once
// Turning untrusted .torrent path elements into names that are safe to create under the
// output folder. The rules follow libtorrent's (see docs/metainfo.md) so that both agree on
// which files a torrent has.
#include <string>
#include <string_view>
#include <vector>

namespace shoal {

struct file_entry;

// One path element made safe: '/' and '\\' and bidi-override characters removed, control
// characters (NUL included) and invalid UTF-8 replaced by '_', an empty element becomes "_",
// elements longer than 255 bytes (what Linux file systems hold) are shortened to 255 bytes,
// keeping a short extension and adding "~" and 8 hex digits of the full name's SHA-1
// (*shortened set when that happened). Names up to 255 bytes are kept byte for byte.
// Returns "" when the element must be dropped: ".", "..", or nothing left but one or two dots.
// A non-empty result never contains a separator, NUL, or equals "." or "..".
std::string sanitize_path_element(std::string_view element, bool* shortened = nullptr);

// The element itself when it has at most 255 bytes, else its shortened form as above.
std::string fit_path_element(std::string element, bool* shortened = nullptr);

// Gives every non-pad file a path no other file or directory of the torrent uses, renaming
// later duplicates "name.1.ext", "name.2.ext"... (the first keeps its name), as libtorrent does.
void resolve_duplicate_paths(std::vector<file_entry>& files);

}  // namespace shoal
