#pragma once
// Token buckets for --max-upload-rate / --max-download-rate, per torrent and process-wide.
// Pure: the caller passes the time in, so a simulated minute runs in microseconds in tests.
#include <chrono>
#include <cstdint>
#include <vector>

namespace shoal::swarm {

using rate_clock = std::chrono::steady_clock;

// Rate in bytes per second, 0 = unlimited. Burst is how many bytes may go at once after a quiet spell.
class token_bucket {
 public:
  token_bucket() = default;
  token_bucket(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now);

  // Changes the limit; tokens already saved are kept up to the new burst.
  void set_rate(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now);
  bool unlimited() const noexcept { return rate_ == 0; }
  std::uint64_t rate() const noexcept { return rate_; }
  std::uint64_t burst() const noexcept { return burst_; }

  // How long until `bytes` may go (zero: now). Does not take tokens.
  // A request larger than the burst is allowed once the bucket is full; it leaves the bucket in debt.
  rate_clock::duration wait_for(std::uint64_t bytes, rate_clock::time_point now);
  void consume(std::uint64_t bytes) noexcept;

 private:
  void refill(rate_clock::time_point now) noexcept;

  std::uint64_t rate_ = 0;
  std::uint64_t burst_ = 0;
  double tokens_ = 0;  // may go negative (debt) after an oversized request
  rate_clock::time_point last_{};
};

// A bucket with an optional parent (the process-wide bucket): a request goes only when every bucket up the
// chain grants it, and then takes tokens from all of them, so neither limit is ever exceeded.
// The parent must outlive its children. Not thread-safe: one per io_context thread, or guard it.
class rate_limiter {
 public:
  rate_limiter() = default;
  rate_limiter(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now,
               rate_limiter* parent = nullptr);

  void set_rate(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now) {
    bucket_.set_rate(rate, burst, now);
  }
  void set_parent(rate_limiter* parent) noexcept { parent_ = parent; }

  // Zero: granted, tokens taken. Otherwise nothing is taken; ask again after the returned wait.
  rate_clock::duration request(std::uint64_t bytes, rate_clock::time_point now);
  // Longest wait over the chain, taking nothing.
  rate_clock::duration wait_for(std::uint64_t bytes, rate_clock::time_point now);

  // The same, in turns: several senders sharing this limiter would all wait for the same instant when the
  // tokens suffice, and one of them would win every time. A sender refused joins a queue; tokens go to the
  // head of the queue first, and each one further back is told to wait one request longer per sender ahead.
  // Asking how long to wait also joins the queue (a sender that only sleeps until its wait is over must not lose
  // its place). A sender that stops asking (choked, nothing to send) should leave(); one that has not asked again
  // well after its turn came is dropped from the queue.
  rate_clock::duration request(std::uint64_t bytes, rate_clock::time_point now, std::uint64_t sender);
  rate_clock::duration wait_for(std::uint64_t bytes, rate_clock::time_point now, std::uint64_t sender);
  void leave(std::uint64_t sender);
  std::size_t queued() const noexcept { return queue_.size(); }

  const token_bucket& bucket() const noexcept { return bucket_; }
  // The smallest burst over the limited buckets of the chain; 0 when none limits.
  std::uint64_t tightest_burst() const noexcept;

 private:
  struct turn {
    std::uint64_t sender = 0;
    rate_clock::time_point due{};  // when it was told to ask again
  };
  std::size_t position(std::uint64_t sender) const noexcept;  // queue_.size() when absent
  rate_clock::duration queued_wait(std::uint64_t bytes, rate_clock::time_point now, std::size_t ahead);
  void drop_stale(rate_clock::time_point now);

  token_bucket bucket_;
  rate_limiter* parent_ = nullptr;
  // A vector, not a deque: libstdc++'s deque allocates ~580 bytes even empty, and every torrent has two limiters.
  std::vector<turn> queue_;
};

// Burst when the user gives none: a tenth of a second of traffic, at least one 16 KiB block.
std::uint64_t default_burst(std::uint64_t rate) noexcept;

}  // namespace shoal::swarm
