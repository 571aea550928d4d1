#pragma once
// The disk-and-hash service's job: SHA-1 of pieces read from files by N threads, each claiming whole
// pieces (or runs of them) with one atomic increment, so none waits on another. Torrent creation
// (piece_hasher.hpp), the seed/resume check (check.hpp) and storage::verify_piece run on it.
// Memory stays bounded (a few read buffers or one mapped window per thread) whatever the data size.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "shoal/util/result.hpp"

namespace shoal {

// Shared between the job's threads and the session thread, which reads progress and may cancel.
struct check_control {
  std::atomic<std::int64_t> bytes_done{0};  // bytes of pieces checked so far (progress display)
  std::atomic<bool> cancelled{false};       // set by the caller: the check stops soon and returns error_code::cancelled
};

class hash_job {
 public:
  // total bytes cut into pieces of piece_length (> 0; the last may be short).
  hash_job(std::int64_t total, std::int64_t piece_length, check_control& control);
  hash_job(const hash_job&) = delete;
  hash_job& operator=(const hash_job&) = delete;

  std::int64_t total() const { return total_; }
  std::int64_t piece_length() const { return piece_length_; }
  std::int64_t piece_count() const { return piece_count_; }
  std::int64_t piece_size(std::int64_t piece) const;

  // Workers: the first of up to `count` consecutive pieces now theirs, or -1 once every piece is
  // claimed, the job failed, or the caller cancelled (so cancellation acts within a claim per thread).
  std::int64_t claim(std::int64_t count = 1);
  // Workers: bytes hashed (progress), and a failure (the first one is the job's error; all stop).
  void add_done(std::int64_t bytes) { control_.bytes_done.fetch_add(bytes, std::memory_order_relaxed); }
  void fail(error e);
  bool stopped() const;

  // Runs each function on its own thread, calls on_tick on this thread about every tick_interval until
  // all have returned, and joins them (a single function with no on_tick runs on this thread). A thread the system refuses, or an exception in a worker, fails
  // the job (workers that wait on each other must also watch stopped()).
  // The job's result: its first error, else error_code::cancelled if cancelled before every piece was
  // claimed, else ok.
  status run(const std::vector<std::function<void()>>& workers, const std::function<void()>& on_tick = {},
             std::chrono::milliseconds tick_interval = std::chrono::milliseconds(200));

 private:
  void guarded(const std::function<void()>& worker) noexcept;
  status run_here(const std::function<void()>& worker);  // one worker, no tick: no thread to start
  status outcome() const;

  std::int64_t total_;
  std::int64_t piece_length_;
  std::int64_t piece_count_;
  check_control& control_;
  std::atomic<std::int64_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::condition_variable finished_;
  int running_ = 0;
  error first_error_;
};

}  // namespace shoal
