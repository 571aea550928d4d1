#pragma once
// Token buckets for --max-upload-rate / --max-download-rate, per torrent and process-wide.
// Pure: the caller passes the time in, so a simulated minute runs in microseconds in tests.
#include <chrono>
#include <cstdint>

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

  const token_bucket& bucket() const noexcept { return bucket_; }

 private:
  token_bucket bucket_;
  rate_limiter* parent_ = nullptr;
};

// Burst when the user gives none: a tenth of a second of traffic, at least one 16 KiB block.
std::uint64_t default_burst(std::uint64_t rate) noexcept;

}  // namespace shoal::swarm
