#pragma once
// A fixed ring of chunk buffers between one reader thread and one hashing thread, so a
// piece's next chunk is read while the current one is hashed. Private to piece_hasher.cpp.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace shoal::detail {

struct chunk_meta {
  std::int64_t piece = 0;
  std::size_t size = 0;
  bool last_of_piece = false;
};

class chunk_channel {
 public:
  chunk_channel(std::size_t slots, std::size_t chunk_size) : meta_(slots) {
    buffers_.reserve(slots);
    for (std::size_t i = 0; i < slots; ++i) buffers_.emplace_back(new char[chunk_size]);
  }

  // Reader: a free buffer to fill, or nullptr once the channel is closed. A reader that
  // found the ring full sleeps until half of it is free: reading is faster than hashing,
  // and waking it for every single buffer would cost a context switch per chunk.
  char* wait_free() {
    std::unique_lock lock(mutex_);
    if (tail_ - head_ == meta_.size()) {
      reader_waiting_ = true;
      reader_cv_.wait(lock, [&] { return closed_ || tail_ - head_ <= meta_.size() / 2; });
      reader_waiting_ = false;
    }
    return closed_ ? nullptr : buffers_[tail_ % meta_.size()].get();
  }
  // Reader: hands the buffer returned by wait_free() to the hasher.
  void publish(const chunk_meta& m) {
    std::unique_lock lock(mutex_);
    meta_[tail_ % meta_.size()] = m;
    ++tail_;
    const bool wake = hasher_waiting_;
    lock.unlock();
    if (wake) hasher_cv_.notify_one();
  }

  // Hasher: the oldest filled buffer, or false when the channel is closed and drained.
  bool wait_filled(chunk_meta& m, const char*& data) {
    std::unique_lock lock(mutex_);
    if (tail_ == head_) {
      hasher_waiting_ = true;
      hasher_cv_.wait(lock, [&] { return closed_ || tail_ > head_; });
      hasher_waiting_ = false;
    }
    if (tail_ == head_) return false;
    m = meta_[head_ % meta_.size()];
    data = buffers_[head_ % meta_.size()].get();
    return true;
  }
  // Hasher: done with the buffer from wait_filled().
  void release() {
    std::unique_lock lock(mutex_);
    ++head_;
    const bool wake = reader_waiting_ && tail_ - head_ <= meta_.size() / 2;
    lock.unlock();
    if (wake) reader_cv_.notify_one();
  }

  // Either side: no more chunks (end of work, or failure). Filled chunks may still be drained.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    reader_cv_.notify_all();
    hasher_cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable reader_cv_;
  std::condition_variable hasher_cv_;
  std::vector<std::unique_ptr<char[]>> buffers_;
  std::vector<chunk_meta> meta_;
  std::size_t head_ = 0;  // next to hash
  std::size_t tail_ = 0;  // next to fill
  bool closed_ = false;
  bool reader_waiting_ = false;
  bool hasher_waiting_ = false;
};

}  // namespace shoal::detail
