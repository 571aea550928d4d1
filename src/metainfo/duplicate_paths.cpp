#include <string>
#include <unordered_map>
#include <unordered_set>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/metainfo/path_sanitize.hpp"

namespace shoal {

namespace {

// "dir/name.ext" -> "dir/name.N.ext"; the extension is the part after the last dot of the
// last component (none when the dot is its first character). A name grown past what a file
// system holds is shortened again (fit_path_element), as the parser does.
std::string numbered(const std::string& path, int n, bool& shortened) {
  const auto slash = path.rfind('/');
  const auto base_start = slash == std::string::npos ? 0 : slash + 1;
  auto dot = path.rfind('.');
  if (dot == std::string::npos || dot <= base_start) dot = path.size();
  std::string base = path.substr(base_start, dot - base_start) + "." + std::to_string(n) + path.substr(dot);
  return path.substr(0, base_start) + fit_path_element(std::move(base), &shortened);
}

}  // namespace

void resolve_duplicate_paths(std::vector<file_entry>& files) {
  // Directories first, so that no file may take a name a directory needs.
  std::unordered_set<std::string> taken;
  for (const auto& f : files) {
    if (f.pad) continue;
    std::string dir;
    for (std::size_t i = 0; i + 1 < f.components.size(); ++i) {
      if (i) dir += '/';
      dir += f.components[i];
      taken.insert(dir);
    }
  }
  // Next number to try per clashing path: keeps a torrent of a million equal names linear.
  std::unordered_map<std::string, int> next_number;
  for (auto& f : files) {
    if (f.pad) continue;  // never written, so pads may share names
    std::string path = f.path();
    if (taken.insert(path).second) continue;
    for (int& n = next_number[path];;) {
      bool shortened = false;
      std::string candidate = numbered(path, ++n, shortened);
      if (taken.insert(candidate).second) {
        f.name_shortened = f.name_shortened || shortened;
        const auto slash = candidate.rfind('/');
        f.components.back() = slash == std::string::npos ? candidate : candidate.substr(slash + 1);
        break;
      }
    }
  }
}

}  // namespace shoal
