#pragma once
// What a long-running client remembers of a torrent between runs (the daemon writes it beside the .torrent, often
// and atomically): the verified pieces, and the size and modification time of every file when they were saved,
// so a restart trusts the pieces without hashing the data again unless a file changed (libtorrent's and
// Transmission's rule); plus the counters, dates, options and folder to bring the torrent back as it was.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// One file as the file system showed it: size and modification time (ns since the epoch); -1/-1 when missing.
struct file_stamp {
  std::int64_t size = -1;
  std::int64_t mtime_ns = -1;
  friend bool operator==(const file_stamp&, const file_stamp&) = default;
};

struct resume_data {
  sha1_digest info_hash{};
  bitfield pieces;                 // verified pieces
  std::vector<file_stamp> files;   // one per file of the torrent, in its order (pad files: -1/-1)
  std::string root;                // the folder holding the torrent's content
  std::int64_t added_at = 0;       // unix seconds; 0: unknown
  std::int64_t completed_at = 0;   // unix seconds; 0: not complete
  std::uint64_t uploaded = 0;      // payload bytes over every run
  std::uint64_t downloaded = 0;
  bool paused = false;
  std::uint64_t download_rate_limit = 0;  // bytes/s, 0 = unlimited
  std::uint64_t upload_rate_limit = 0;
  std::uint64_t max_peers = 0;            // 0 = the default
};

// Canonical bencode.
std::string encode_resume(const resume_data& r);
// Checked against the torrent it claims to belong to: the info-hash, the piece count (the bitfield's exact
// size) and the file count must match. Errors name the field.
result<resume_data> decode_resume(std::string_view bytes, const metainfo& m);

// The stamps of the torrent's files under root now.
std::vector<file_stamp> stamp_files(const metainfo& m, const std::filesystem::path& root);
// The saved pieces may be trusted without hashing: every file has the size and time it had when they were saved.
bool stamps_match(const resume_data& r, const std::vector<file_stamp>& now);

}  // namespace shoal
