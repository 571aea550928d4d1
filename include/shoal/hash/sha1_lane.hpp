#pragma once
// One SHA-1 message hashed with the x86 SHA extensions: the running state behind sha1(), sha1_hasher
// and each lane of sha1_pair where the CPU has them. Hashing here keeps OpenSSL uninitialised on
// shoald's normal path (its providers and DRBG cost about 3 MB resident; docs/performance.md, issue 12);
// OpenSSL hashes only where the extensions are missing.
#include <array>
#include <cstddef>
#include <cstdint>

#include "shoal/hash/sha1.hpp"

namespace shoal {

struct sha1_lane {
  // The CPU has the SHA extensions (and SSSE3/SSE4.1). Asked once: cpuid traps to the hypervisor in a
  // virtual machine, and a leech hashes every piece.
  static bool available();

  std::array<std::uint32_t, 5> h{};
  std::uint64_t length = 0;  // bytes fed
  std::array<unsigned char, 64> pending{};
  std::size_t pending_size = 0;

  sha1_lane() { reset(); }
  void reset();
  // Only where available().
  void update(const void* data, std::size_t n);
  // The digest of what was fed since the last final() or reset(); the lane starts over.
  sha1_digest final();
};

// `blocks` 64-byte blocks to each of two lanes, their rounds interleaved (about 1.7x one lane's rate:
// one message is bound by the latency of the round instructions). Both lanes at a block boundary
// (pending_size == 0); only where sha1_lane::available().
void sha1_lane_update_pair(sha1_lane& a, sha1_lane& b, const unsigned char* pa, const unsigned char* pb,
                           std::size_t blocks);

}  // namespace shoal
