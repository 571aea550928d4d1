#pragma once
// mktorrent-lite: walk PATH, hash its pieces in parallel, write the .torrent atomically.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace shoal::cmd {

inline constexpr const char* default_announce = "http://127.0.0.1:8080/announce";
inline constexpr const char* shoal_version = SHOAL_VERSION;  // from CMake project()

struct mktorrent_options {
  std::filesystem::path input;
  // Each entry is one tier; commas inside one entry separate URLs of the same tier.
  std::vector<std::string> announce;
  std::filesystem::path output;  // empty: ./NAME.torrent
  bool force = false;
  std::string piece_length;  // empty: chosen from the total size
  bool is_private = false;
  std::string comment;
  std::string name;  // empty: the last component of input
  std::vector<std::string> web_seeds;
  int threads = 0;  // 0: every core
  // false: each thread preads two pieces into small buffers and hashes them together (sha1_pair);
  // true: hash mmap'ed windows in place, one piece at a time. pread is about 2x faster idle and
  // more so when other processes load the CPUs (docs/performance-mktorrent.md), so it is the default.
  bool use_mmap = false;
  bool no_date = false;
  std::optional<std::string> created_by;  // nullopt: "Shoal <version>"
  bool include_hidden = false;
};

// Returns the exit status: 0, or 1 after one "mktorrent-lite: error: ..." line on `err`.
// Progress goes to `progress` (a bar when it is a terminal); the info-hash and the output
// path go to `out`. Without `announce`, a line on `err` says which tracker the torrent got
// (default_announce) and that only this machine can reach it.
int run_mktorrent(const mktorrent_options& options, std::ostream& out, std::ostream& err, std::FILE* progress);

}  // namespace shoal::cmd
