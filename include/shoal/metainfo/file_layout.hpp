#pragma once
// Piece geometry: which files, at which offsets, a byte range of the torrent covers.
#include <cstdint>
#include <vector>

#include "shoal/metainfo/metainfo.hpp"

namespace shoal {

struct file_slice {
  int file_index = 0;
  std::int64_t file_offset = 0;
  std::int64_t length = 0;
  friend bool operator==(const file_slice&, const file_slice&) = default;
};

// Slices of the torrent's byte range [piece * piece_length + offset, +length), in order,
// pad files included (callers skip metainfo.files[i].pad). Zero-length files are skipped.
// A range outside the torrent (bad piece, offset or length) gives no slices.
std::vector<file_slice> map_block(const metainfo& m, int piece, std::int64_t offset, std::int64_t length);
// Same, into a caller-owned vector (cleared first) so hot paths can reuse its capacity.
void map_block(const metainfo& m, int piece, std::int64_t offset, std::int64_t length,
               std::vector<file_slice>& out);
inline std::vector<file_slice> map_piece(const metainfo& m, int piece) {
  return map_block(m, piece, 0, m.piece_size(piece));
}

}  // namespace shoal
