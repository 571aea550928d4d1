#pragma once
// Piece and block arithmetic of one torrent: how many pieces, how long each is (the last may be short), how a
// piece splits into 16 KiB blocks (the last block of a piece may be short). The one place this is computed.
#include <cstdint>

namespace shoal {

// The block size every client requests (BEP 3 practice; larger requests are refused by most peers).
inline constexpr std::uint32_t block_size = 16 * 1024;

// A block of a piece as the wire names it (request, piece, cancel).
struct block_ref {
  std::uint32_t piece = 0;
  std::uint32_t begin = 0;
  std::uint32_t length = 0;
  friend bool operator==(const block_ref&, const block_ref&) = default;
};

class block_geometry {
 public:
  block_geometry() = default;
  // A non-positive piece_length or total_length, or more pieces than an int counts, gives no pieces.
  block_geometry(std::int64_t total_length, std::int64_t piece_length) noexcept;

  // Pieces of `piece_length` bytes needed for `total_length` bytes, in 64 bits (0 when either is not positive):
  // what a torrent's piece hashes are checked against.
  static std::int64_t pieces_for(std::int64_t total_length, std::int64_t piece_length) noexcept {
    return total_length <= 0 || piece_length <= 0 ? 0 : (total_length - 1) / piece_length + 1;
  }

  int piece_count() const noexcept { return piece_count_; }
  std::int64_t total_length() const noexcept { return total_length_; }
  std::int64_t nominal_piece_length() const noexcept { return piece_length_; }

  // Bytes in `piece`; 0 outside [0, piece_count).
  std::int64_t piece_length(int piece) const noexcept;
  // Where `piece` starts in the torrent's byte stream.
  std::int64_t piece_offset(int piece) const noexcept { return std::int64_t{piece} * piece_length_; }

  // Blocks in `piece`; 0 outside [0, piece_count).
  int blocks_in_piece(int piece) const noexcept;
  // Bytes in block `block` of `piece`; 0 when either is out of range.
  std::uint32_t block_length(int piece, int block) const noexcept;
  // The block as the wire names it (length 0 when out of range).
  block_ref block(int piece, int block) const noexcept;
  // The index within its piece of the block that starts at `begin`.
  static int block_index(std::uint32_t begin) noexcept { return static_cast<int>(begin / block_size); }
  // True when `b` is exactly one of this torrent's blocks (aligned start, exact length).
  bool is_block(const block_ref& b) const noexcept;

 private:
  std::int64_t total_length_ = 0;
  std::int64_t piece_length_ = 0;
  int piece_count_ = 0;
};

}  // namespace shoal
