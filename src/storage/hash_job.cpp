#include "shoal/storage/hash_job.hpp"

#include <algorithm>
#include <exception>
#include <thread>

namespace shoal {

hash_job::hash_job(std::int64_t total, std::int64_t piece_length, check_control& control)
    : total_(total),
      piece_length_(piece_length),
      piece_count_(piece_length > 0 ? (total + piece_length - 1) / piece_length : 0),
      control_(control) {}

std::int64_t hash_job::piece_size(std::int64_t piece) const {
  return std::min(piece_length_, total_ - piece * piece_length_);
}

std::int64_t hash_job::claim(std::int64_t count) {
  if (stopped()) return -1;
  const std::int64_t first = next_.fetch_add(count, std::memory_order_relaxed);
  return first < piece_count_ ? first : -1;
}

bool hash_job::stopped() const {
  return failed_.load(std::memory_order_relaxed) || control_.cancelled.load(std::memory_order_relaxed);
}

void hash_job::fail(error e) {
  std::lock_guard lock(mutex_);
  if (!failed_.exchange(true)) first_error_ = std::move(e);
}

void hash_job::guarded(const std::function<void()>& worker) noexcept {
  try {
    worker();
  } catch (const std::exception& e) {
    fail(error{error_code::io, std::string("hashing failed: ") + e.what()});
  }
  std::lock_guard lock(mutex_);
  if (--running_ == 0) finished_.notify_all();
}

status hash_job::run(const std::vector<std::function<void()>>& workers, const std::function<void()>& on_tick,
                     std::chrono::milliseconds tick_interval) {
  if (workers.size() == 1 && !on_tick) return run_here(workers.front());
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  {
    std::lock_guard lock(mutex_);
    running_ = static_cast<int>(workers.size());
  }
  std::size_t started = 0;
  try {
    for (; started < workers.size(); ++started) threads.emplace_back([this, &w = workers[started]] { guarded(w); });
  } catch (const std::exception& e) {
    // Workers may depend on each other (a reader and its hasher): stop them all.
    fail(error{error_code::io, std::string("cannot start hashing threads: ") + e.what()});
    std::lock_guard lock(mutex_);
    running_ -= static_cast<int>(workers.size() - started);
  }
  {
    std::unique_lock lock(mutex_);
    while (!finished_.wait_for(lock, tick_interval, [&] { return running_ == 0; })) {
      if (!on_tick) continue;
      lock.unlock();
      on_tick();
      lock.lock();
    }
  }
  for (auto& t : threads) t.join();
  return outcome();
}

status hash_job::run_here(const std::function<void()>& worker) {
  {
    std::lock_guard lock(mutex_);
    running_ = 1;
  }
  guarded(worker);
  return outcome();
}

status hash_job::outcome() const {
  if (failed_) return first_error_;
  if (control_.cancelled.load() && next_.load() < piece_count_) return error{error_code::cancelled, "cancelled"};
  return ok();
}

}  // namespace shoal
