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
// overlong elements are shortened to at most 240 bytes (keeping a short extension).
// Returns "" when the element must be dropped: ".", "..", or nothing left but one or two dots.
// A non-empty result never contains a separator, NUL, or equals "." or "..".
std::string sanitize_path_element(std::string_view element);

// Gives every non-pad file a path no other file or directory of the torrent uses, renaming
// later duplicates "name.1.ext", "name.2.ext"... (the first keeps its name), as libtorrent does.
void resolve_duplicate_paths(std::vector<file_entry>& files);

}  // namespace shoal
