#pragma once
// A bounded set of piece-sized buffers. While a piece downloads, a copy of its blocks is gathered in one, so
// the hashing pool can hash the whole piece from memory, off the network thread (torrent_verify.cpp).
// Bounded in bytes (never the whole file): a piece that finds none free is hashed on arrival as before.
// Single-threaded: buffers travel to the pool and come back by value.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace shoal {

class piece_buffers {
 public:
  using buffer = std::unique_ptr<std::byte[]>;

  // Up to budget_bytes / piece_length buffers (at most max_count), allocated when first taken.
  piece_buffers(std::int64_t piece_length, std::size_t budget_bytes, std::size_t max_count = 64);

  // A buffer of piece_length() bytes (uninitialised), or null when all are out.
  buffer take();
  // A buffer from take() is free again.
  void give_back(buffer b);
  // Frees the memory of the buffers not out (a torrent that completed needs none).
  void release_free() { free_.clear(); }

  std::size_t piece_length() const { return length_; }
  std::size_t capacity() const { return limit_; }
  std::size_t out() const { return out_; }

 private:
  std::size_t length_;
  std::size_t limit_;
  std::size_t out_ = 0;
  std::vector<buffer> free_;
};

}  // namespace shoal
