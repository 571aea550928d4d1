#pragma once
// A fast 64-bit hash of 20 bytes (an info-hash or a peer id) under a secret key. Both come
// from clients: the key keeps chosen values from piling into one bucket or shard. Peer ids
// start with a client prefix ("-lt2080-"), so every byte is mixed, not the first few.
#include <cstdint>
#include <cstring>

namespace shoal::tracker {

inline std::uint64_t keyed_hash20(const std::uint8_t* bytes, std::uint64_t key) {
  std::uint64_t a, b, c;
  std::memcpy(&a, bytes, 8);
  std::memcpy(&b, bytes + 8, 8);
  std::memcpy(&c, bytes + 12, 8);
  std::uint64_t x = (a ^ key) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 31) ^ b) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 29) ^ c) * 0x94D049BB133111EBull;
  return x ^ (x >> 32);
}

}  // namespace shoal::tracker
