#include "shoal/storage/remove_data.hpp"

#include <iterator>
#include <set>

#include "shoal/storage/file_set.hpp"
#include "shoal/storage/ownership_record.hpp"

namespace fs = std::filesystem;

namespace shoal {

namespace {

// A folder on the way that is a symbolic link would lead the removal outside root: such a file is left alone.
bool reached_through_link(const fs::path& root, const fs::path& rel) {
  fs::path at = root;
  for (auto it = rel.begin(); it != rel.end() && std::next(it) != rel.end(); ++it) {
    at /= *it;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(at, ec))) return true;
  }
  return false;
}

}  // namespace

status remove_torrent_data(const metainfo& m, const fs::path& root) {
  std::set<fs::path, std::greater<>> folders;  // deepest first
  for (const auto& f : m.files) {
    if (!on_disk(f)) continue;
    const fs::path rel(f.path());
    if (reached_through_link(root, rel)) continue;
    std::error_code ec;
    fs::remove(root / rel, ec);  // a link is removed itself (remove does not follow the last component)
    if (ec) return error{"remove " + (root / rel).string() + ": " + ec.message()};
    for (auto p = rel.parent_path(); !p.empty(); p = p.parent_path()) folders.insert(p);
  }
  for (const auto& rel : folders) {
    std::error_code ec;
    const auto dir = root / rel;
    if (fs::is_directory(fs::symlink_status(dir, ec)) && fs::is_empty(dir, ec)) fs::remove(dir, ec);
  }
  if (auto s = remove_ownership_record(root, m); !s) return s;
  return ok();
}

}  // namespace shoal
