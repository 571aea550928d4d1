#pragma once
// What the SHA-1 tests share: seeded random messages, and the paths to run (the native one where the CPU has
// the SHA extensions, OpenSSL's everywhere).
#include <random>
#include <string>
#include <vector>

#include "shoal/hash/sha1_lane.hpp"

namespace shoal::test {

inline std::string random_message(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// true: the native path, false: OpenSSL's.
inline std::vector<bool> sha1_modes() {
  if (sha1_lane::available()) return {true, false};
  return {false};
}

}  // namespace shoal::test
