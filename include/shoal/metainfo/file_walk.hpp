#pragma once
// The files a new torrent is made of: PATH itself, or every regular file under it, in
// byte order of their '/'-joined relative paths (stable across runs and machines).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "shoal/util/result.hpp"

namespace shoal {

struct source_file {
  std::filesystem::path path;           // where to read it
  std::vector<std::string> components;  // path inside the torrent (empty for a single file)
  std::int64_t length = 0;
};

struct source_tree {
  std::string name;  // last component of PATH
  bool multi_file = false;
  std::vector<source_file> files;
  std::int64_t total_length = 0;
  std::vector<std::string> skipped;  // "path: reason" for each entry left out, for the log
};

struct walk_options {
  bool include_hidden = false;  // names starting with '.' (below PATH) are skipped otherwise
};

// Symlinks: PATH itself is followed; below it, a link to a regular file is hashed as that
// file (under the link's name); links to folders are not followed (no loops, no escaping the
// tree) and broken links are skipped, both reported in `skipped`. Fifos, sockets and
// devices are skipped too. Empty folders add nothing. Unreadable entries and an input with
// no data at all are errors.
result<source_tree> walk_source(const std::filesystem::path& root, const walk_options& options = {});

}  // namespace shoal
