#pragma once
// A random bit generator of 8 bytes (SplitMix64) for choices that need spread, not secrecy: piece order, optimistic
// unchokes. std::mt19937 carries 2.5-5 KiB of state, and every torrent has a picker and a choker: at 10,000
// torrents those engines alone were 75 MiB of a daemon's memory.
#include <cstdint>
#include <limits>

namespace shoal {

class small_rng {
 public:
  using result_type = std::uint64_t;
  explicit small_rng(std::uint64_t seed = 0) noexcept : state_(seed) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }
  result_type operator()() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

}  // namespace shoal
