#include "shoal/metainfo/block_geometry.hpp"

#include <algorithm>
#include <limits>

namespace shoal {

block_geometry::block_geometry(std::int64_t total_length, std::int64_t piece_length) noexcept {
  const std::int64_t count = pieces_for(total_length, piece_length);
  if (count == 0 || count > std::numeric_limits<int>::max()) return;
  total_length_ = total_length;
  piece_length_ = piece_length;
  piece_count_ = static_cast<int>(count);
}

std::int64_t block_geometry::piece_length(int piece) const noexcept {
  if (piece < 0 || piece >= piece_count_) return 0;
  if (piece + 1 < piece_count_) return piece_length_;
  return total_length_ - piece_offset(piece);
}

int block_geometry::blocks_in_piece(int piece) const noexcept {
  return static_cast<int>((piece_length(piece) + block_size - 1) / block_size);
}

std::uint32_t block_geometry::block_length(int piece, int block) const noexcept {
  if (block < 0) return 0;
  const std::int64_t begin = std::int64_t{block} * block_size;
  const std::int64_t size = piece_length(piece);
  if (begin >= size) return 0;
  return static_cast<std::uint32_t>(std::min<std::int64_t>(block_size, size - begin));
}

block_ref block_geometry::block(int piece, int block) const noexcept {
  const std::uint32_t length = block_length(piece, block);
  if (length == 0) return {};
  return {static_cast<std::uint32_t>(piece), static_cast<std::uint32_t>(block) * block_size, length};
}

bool block_geometry::is_block(const block_ref& b) const noexcept {
  if (b.piece >= static_cast<std::uint32_t>(piece_count_) || b.begin % block_size != 0) return false;
  const std::uint32_t length = block_length(static_cast<int>(b.piece), block_index(b.begin));
  return length != 0 && length == b.length;
}

}  // namespace shoal
