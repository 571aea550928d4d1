#pragma once
// SHA-1 of a downloaded piece while its blocks arrive, so that verifying it needs no read-back: each
// block that continues the hashed prefix is hashed straight from the receive buffer (still in cache);
// blocks that came out of order are on disk and are read back when the piece completes
// (storage::verify_piece with this state). Pure: no files, no threads.
#include <cstddef>
#include <cstdint>
#include <span>

#include "shoal/hash/sha1.hpp"

namespace shoal {

class arrival_hash {
 public:
  // Block [begin, begin + data.size()) of the piece has been written with these bytes.
  void on_block(std::int64_t begin, std::span<const std::byte> data) {
    if (begin == hashed_) {
      hasher_.update(data.data(), data.size());
      hashed_ += static_cast<std::int64_t>(data.size());
    } else if (begin < hashed_) {
      // Hashed bytes overwritten (a block fetched again): the prefix no longer matches the disk.
      hasher_.final();  // resets
      hashed_ = 0;
    }
  }

  // Bytes [0, hashed()) of the piece are in hasher().
  std::int64_t hashed() const { return hashed_; }
  sha1_hasher& hasher() { return hasher_; }

 private:
  sha1_hasher hasher_;
  std::int64_t hashed_ = 0;
};

}  // namespace shoal
