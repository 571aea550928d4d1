#include "shoal/dht/rate_limiter.hpp"

#include <algorithm>

namespace shoal::dht {

void rate_limiter::forget_idle(clock::time_point now) {
  // A bucket that refilled completely carries no state worth keeping.
  const auto full_after = std::chrono::duration<double>(limits_.burst / limits_.per_second);
  std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last >= full_after; });
}

rate_limiter::source_key rate_limiter::key_of(const peer_address& a) {
  const auto& ip = a.ip;
  bool shared_ip = false;
  if (!a.v6) {
    shared_ip = ip[0] == 127 || ip[0] == 10 || (ip[0] == 172 && (ip[1] & 0xf0) == 16) ||
                (ip[0] == 192 && ip[1] == 168);
  } else {
    const bool loopback = std::all_of(ip.begin(), ip.end() - 1, [](std::uint8_t b) { return b == 0; }) && ip[15] == 1;
    shared_ip = loopback || (ip[0] & 0xfe) == 0xfc;  // ::1 or a unique local address
  }
  return {ip, shared_ip ? a.port : std::uint16_t{0}};
}

bool rate_limiter::allow(const peer_address& source, clock::time_point now) {
  const auto key = key_of(source);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= limits_.max_sources) forget_idle(now);
    if (buckets_.size() >= limits_.max_sources) {
      ++dropped_;
      return false;
    }
    it = buckets_.emplace(key, bucket{limits_.burst, now}).first;
  }
  auto& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(limits_.burst, b.tokens + elapsed * limits_.per_second);
  b.last = now;
  if (b.tokens < 1) {
    ++dropped_;
    return false;
  }
  b.tokens -= 1;
  return true;
}

}  // namespace shoal::dht
