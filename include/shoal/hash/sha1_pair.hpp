#pragma once
// SHA-1 of two messages at once on one core. With the x86 SHA extensions one message is bound by
// the latency of its round instructions, not by the core's throughput: interleaving the rounds of
// two independent messages fills those gaps (about 1.7x a core's SHA-1 rate; docs/performance.md,
// issue 10). Without the extensions each lane is hashed by OpenSSL on its own.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "shoal/hash/sha1.hpp"
#include "shoal/hash/sha1_lane.hpp"

namespace shoal {

class sha1_pair {
 public:
  // The interleaved code runs only where the CPU has the SHA extensions (and SSSE3/SSE4.1).
  static bool extensions_available();
  explicit sha1_pair(bool use_extensions = extensions_available());

  // n bytes to each lane: a to lane 0, b to lane 1. Interleaved while both lanes are at a
  // 64-byte boundary, so feed equal, 64-byte-multiple sizes to keep it there.
  void update(const void* a, const void* b, std::size_t n);
  // n bytes to lane (0 or 1) only.
  void update(int lane, const void* data, std::size_t n);
  // The digest of what the lane was fed since its last final(); the lane starts over.
  sha1_digest final(int lane);

 private:
  std::array<sha1_lane, 2> lanes_;
  std::optional<std::array<sha1_hasher, 2>> openssl_;  // set when the extensions are not used
};

}  // namespace shoal
