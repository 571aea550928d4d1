#pragma once
// Packets per source IP (per IP and port for loopback and private addresses, where several nodes share one
// IP: tests and LANs): a token bucket each, so a flood from one address is dropped while others are
// still answered. The table of sources is bounded; when it is full, idle sources are forgotten first and
// a new source beyond the bound is refused (a spoofed-address flood cannot grow it).
#include <chrono>
#include <cstddef>
#include <array>
#include <cstdint>
#include <map>

#include "shoal/addr/peer_address.hpp"

namespace shoal::dht {

struct rate_limits {
  double per_second = 20;   // sustained queries per source
  double burst = 40;        // a bucket's depth
  std::size_t max_sources = 4096;
};

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  explicit rate_limiter(rate_limits limits = {}) : limits_(limits) {}

  bool allow(const peer_address& source, clock::time_point now);
  std::size_t sources() const { return buckets_.size(); }
  std::size_t dropped() const { return dropped_; }

 private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };
  void forget_idle(clock::time_point now);
  rate_limits limits_;
  struct source_key {
    std::array<std::uint8_t, 16> ip;
    std::uint16_t port;  // 0 for public addresses: their ports are free to vary
    auto operator<=>(const source_key&) const = default;
  };
  static source_key key_of(const peer_address& a);
  std::map<source_key, bucket> buckets_;
  std::size_t dropped_ = 0;
};

}  // namespace shoal::dht
