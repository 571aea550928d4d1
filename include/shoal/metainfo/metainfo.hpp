#pragma once
// A parsed, validated .torrent (BEP 3, 12, 19, 27, 47). Pure: bytes in, struct out.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/block_geometry.hpp"
#include "shoal/util/rare_string.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

struct file_entry {
  // Path components as they will be created under the output folder (after sanitizing);
  // path() joins them with '/'. For a single-file torrent: just {name}.
  std::vector<std::string> components;
  std::int64_t length = 0;
  std::int64_t offset = 0;  // of the file's first byte in the torrent's byte stream
  rare_string attributes;   // BEP 47 attr string as given ("x", "h", "l", "p" ...)
  // BEP 47 attr "l": a symlink. It occupies no bytes of the torrent (length 0); its target,
  // sanitized like any path, is kept as data. Shoal never creates the link (see docs/metainfo.md).
  std::vector<std::string> symlink_target;
  bool symlink = false;
  bool pad = false;  // BEP 47 attr "p": never written to disk
  // A component of the path (the torrent's name included) was longer than a file system holds
  // (255 bytes) and was shortened (see sanitize_path_element): worth telling the user.
  bool name_shortened = false;

  std::string path() const;
};

struct metainfo {
  sha1_digest info_hash;
  std::string name;
  std::int64_t piece_length = 0;
  std::int64_t total_length = 0;  // including pad files
  // The piece hashes, piece_count() * 20 raw bytes (pieces() reads them). A parsed torrent's stay inside
  // info_bytes, at pieces_at (a copy would hold them twice: 20 bytes a piece, 80 KB for a 4 GiB torrent of 1 MiB
  // pieces); a metainfo built field by field sets piece_hashes instead.
  rare_string piece_hashes;
  std::uint32_t pieces_at = 0, pieces_length = 0;  // in info_bytes (a .torrent is at most 64 MiB), else 0
  std::vector<file_entry> files;  // in torrent order, pad files included
  bool multi_file = false;
  bool is_private = false;
  bool hybrid = false;  // also carries v2 metadata (BEP 52); only the v1 view is used
  std::vector<std::vector<std::string>> trackers;  // tiers; announce alone is one tier
  std::vector<std::string> web_seeds;              // url-list (BEP 19), kept as data
  rare_string comment;
  rare_string created_by;
  std::optional<std::int64_t> creation_date;
  // The info dictionary exactly as the .torrent carries it (its SHA-1 is info_hash): what ut_metadata serves
  // (BEP 9) and what a .torrent learned from a magnet link is written from.
  std::string info_bytes;

  std::string_view pieces() const {
    return piece_hashes.empty() ? std::string_view(info_bytes).substr(pieces_at, pieces_length)
                                : std::string_view(piece_hashes.str());
  }
  int piece_count() const { return static_cast<int>(pieces().size() / 20); }
  std::int64_t piece_size(int piece) const;  // the last piece may be shorter; 0 outside the torrent
  // Pieces and blocks from total_length and piece_length (parsing checks the piece hashes agree).
  block_geometry geometry() const { return {total_length, piece_length}; }
  sha1_digest piece_hash(int piece) const;

  std::string info_hash_hex() const { return info_hash.hex(); }
  std::string info_hash_urlencoded() const;  // every byte outside [A-Za-z0-9.-_~] as %XX
};

struct metainfo_limits {
  std::size_t max_file_size = 64u << 20;  // a .torrent file larger than this is refused
  // libtorrent accepts pieces up to INT_MAX / 2 bytes and real torrents with 512 MiB pieces
  // exist (conformance: large_piece_size.torrent), so the bound is 1 GiB; pieces are hashed
  // incrementally, never held whole.
  std::int64_t max_piece_length = std::int64_t{1} << 30;
  std::int64_t max_file_length = std::int64_t{1} << 50;  // 1 PiB per file; sums cannot overflow
};

// Parses and validates; errors name the field ("info.pieces: ..."), never crash.
result<metainfo> parse_metainfo(std::string_view torrent_bytes, const metainfo_limits& limits = {});

// Reads FILE (bounded by limits.max_file_size) and parses it; errors start with the path.
result<metainfo> load_metainfo(const std::filesystem::path& file, const metainfo_limits& limits = {});

}  // namespace shoal
