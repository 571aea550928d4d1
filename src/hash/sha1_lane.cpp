#include "shoal/hash/sha1_lane.hpp"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define SHOAL_SHA1_X86 1
#endif

namespace shoal {

namespace {

constexpr std::array<std::uint32_t, 5> sha1_init{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};

#ifdef SHOAL_SHA1_X86
// `blocks` 64-byte blocks of each of N messages into their states, the N rounds interleaved.
// Four rounds per sha1rnds4; the schedule keeps the last four groups of four words.
template <int N>
__attribute__((target("sha,ssse3,sse4.1"))) void compress(std::uint32_t* const (&h)[N],
                                                          const unsigned char* const (&data)[N], std::size_t blocks) {
  const __m128i byte_swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  __m128i abcd[N], e[N];
#pragma GCC unroll 4
  for (int k = 0; k < N; ++k) {
    abcd[k] = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h[k])), 0x1B);
    e[k] = _mm_set_epi32(static_cast<int>(h[k][4]), 0, 0, 0);
  }
  for (std::size_t b = 0; b < blocks; ++b) {
    __m128i w[N][4], abcd_in[N], e_in[N], prev[N], e_next[N];
#pragma GCC unroll 4
    for (int k = 0; k < N; ++k) {
      const auto* p = reinterpret_cast<const __m128i*>(data[k] + b * 64);
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) w[k][j] = _mm_shuffle_epi8(_mm_loadu_si128(p + j), byte_swap);
      abcd_in[k] = abcd[k];
      e_in[k] = e[k];
      prev[k] = abcd[k];
      abcd[k] = _mm_sha1rnds4_epu32(abcd[k], _mm_add_epi32(e[k], w[k][0]), 0);
    }
    // Group i of four rounds (i >= 1): extend the schedule from group 4 on, derive E from the
    // state two groups back, run the rounds with function f.
#define SHOAL_SHA1_GROUP(i, f)                                                                                  \
  _Pragma("GCC unroll 4") for (int k = 0; k < N; ++k) {                                                                                 \
    if constexpr ((i) >= 4)                                                                                     \
      w[k][(i) & 3] = _mm_sha1msg2_epu32(                                                                       \
          _mm_xor_si128(_mm_sha1msg1_epu32(w[k][(i) & 3], w[k][((i) + 1) & 3]), w[k][((i) + 2) & 3]),          \
          w[k][((i) + 3) & 3]);                                                                                 \
    e_next[k] = _mm_sha1nexte_epu32(prev[k], w[k][(i) & 3]);                                                    \
    prev[k] = abcd[k];                                                                                          \
    abcd[k] = _mm_sha1rnds4_epu32(abcd[k], e_next[k], f);                                                       \
  }
    SHOAL_SHA1_GROUP(1, 0) SHOAL_SHA1_GROUP(2, 0) SHOAL_SHA1_GROUP(3, 0) SHOAL_SHA1_GROUP(4, 0)
    SHOAL_SHA1_GROUP(5, 1) SHOAL_SHA1_GROUP(6, 1) SHOAL_SHA1_GROUP(7, 1) SHOAL_SHA1_GROUP(8, 1)
    SHOAL_SHA1_GROUP(9, 1) SHOAL_SHA1_GROUP(10, 2) SHOAL_SHA1_GROUP(11, 2) SHOAL_SHA1_GROUP(12, 2)
    SHOAL_SHA1_GROUP(13, 2) SHOAL_SHA1_GROUP(14, 2) SHOAL_SHA1_GROUP(15, 3) SHOAL_SHA1_GROUP(16, 3)
    SHOAL_SHA1_GROUP(17, 3) SHOAL_SHA1_GROUP(18, 3) SHOAL_SHA1_GROUP(19, 3)
#undef SHOAL_SHA1_GROUP
#pragma GCC unroll 4
    for (int k = 0; k < N; ++k) {
      e[k] = _mm_sha1nexte_epu32(prev[k], e_in[k]);
      abcd[k] = _mm_add_epi32(abcd[k], abcd_in[k]);
    }
  }
#pragma GCC unroll 4
  for (int k = 0; k < N; ++k) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h[k]), _mm_shuffle_epi32(abcd[k], 0x1B));
    h[k][4] = static_cast<std::uint32_t>(_mm_extract_epi32(e[k], 3));
  }
}
#endif

void compress_one(sha1_lane& l, const unsigned char* data, std::size_t blocks) {
#ifdef SHOAL_SHA1_X86
  std::uint32_t* const h[1] = {l.h.data()};
  const unsigned char* const d[1] = {data};
  compress<1>(h, d, blocks);
#else
  (void)l, (void)data, (void)blocks;  // never called: available() is false
#endif
}

bool detect_extensions() {
#ifdef SHOAL_SHA1_X86
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = (c & bit_SSSE3) != 0, sse41 = (c & bit_SSE4_1) != 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return ssse3 && sse41 && (b & bit_SHA) != 0;
#else
  return false;
#endif
}

}  // namespace

bool sha1_lane::available() {
  static const bool yes = detect_extensions();
  return yes;
}

void sha1_lane::reset() {
  h = sha1_init;
  length = 0;
  pending_size = 0;
}

void sha1_lane::update(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  length += n;
  if (pending_size > 0) {
    const std::size_t take = std::min(n, 64 - pending_size);
    std::memcpy(pending.data() + pending_size, p, take);
    pending_size += take;
    p += take;
    n -= take;
    if (pending_size < 64) return;
    compress_one(*this, pending.data(), 1);
    pending_size = 0;
  }
  if (n >= 64) compress_one(*this, p, n / 64);
  p += n / 64 * 64;
  n %= 64;
  if (n > 0) std::memcpy(pending.data(), p, n);
  pending_size = n;
}

sha1_digest sha1_lane::final() {
  const std::uint64_t bits = length * 8;
  // 0x80, zeros up to 56 mod 64, then the length in bits, big-endian.
  std::array<unsigned char, 72> tail{};
  tail[0] = 0x80;
  const std::size_t zeros = (pending_size + 1 <= 56 ? 56 : 120) - (pending_size + 1);
  for (std::size_t k = 0; k < 8; ++k) tail[1 + zeros + k] = static_cast<unsigned char>(bits >> (56 - 8 * k));
  update(tail.data(), 1 + zeros + 8);
  sha1_digest d;
  for (std::size_t k = 0; k < 5; ++k)
    for (std::size_t j = 0; j < 4; ++j) d.bytes[4 * k + j] = static_cast<std::uint8_t>(h[k] >> (24 - 8 * j));
  reset();
  return d;
}

void sha1_lane_update_pair(sha1_lane& a, sha1_lane& b, const unsigned char* pa, const unsigned char* pb,
                           std::size_t blocks) {
#ifdef SHOAL_SHA1_X86
  std::uint32_t* const h[2] = {a.h.data(), b.h.data()};
  const unsigned char* const d[2] = {pa, pb};
  compress<2>(h, d, blocks);
  a.length += blocks * 64;
  b.length += blocks * 64;
#else
  (void)a, (void)b, (void)pa, (void)pb, (void)blocks;  // never called: available() is false
#endif
}

}  // namespace shoal
