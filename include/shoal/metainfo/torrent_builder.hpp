#pragma once
// Builds .torrent bytes (BEP 3, 12, 19, 27) from a walked source tree and its piece hashes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/file_walk.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

inline constexpr std::int64_t min_piece_length = std::int64_t{16} << 10;   // 16 KiB
inline constexpr std::int64_t max_piece_length = std::int64_t{256} << 20;  // 256 MiB
inline constexpr std::int64_t max_default_piece_length = std::int64_t{16} << 20;

struct torrent_spec {
  const source_tree* source = nullptr;  // name, files and lengths
  std::string name;                     // overrides source->name when not empty
  std::int64_t piece_length = 0;
  std::string piece_hashes;  // 20 raw bytes per piece
  // Tiers of tracker URLs: announce = first URL of the first tier; announce-list = all tiers.
  std::vector<std::vector<std::string>> trackers;
  std::vector<std::string> web_seeds;  // url-list (BEP 19)
  std::string comment;
  std::string created_by;
  std::optional<std::int64_t> creation_date;
  bool is_private = false;  // BEP 27
};

struct built_torrent {
  std::string bytes;      // the whole .torrent, canonical bencode
  sha1_digest info_hash;  // SHA-1 of the encoded info dictionary
};

built_torrent build_torrent(const torrent_spec& spec);

// Smallest power of two from 16 KiB up to 16 MiB giving at most 2000 pieces, so a torrent
// has about 1000-2000 pieces unless it is tiny (16 KiB) or huge (16 MiB).
std::int64_t default_piece_length(std::int64_t total_length);

// "262144", "256K", "256KiB", "1M" (parse_byte_size), or an exponent below 64 ("18" = 2^18,
// mktorrent's -l). The result must be a power of two in [16 KiB, 256 MiB]; an error reads
// "value 'TEXT' WHY (allowed: ...)".
result<std::int64_t> parse_piece_length(std::string_view text);

}  // namespace shoal
