#include "shoal/hash/siphash.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace {

shoal::siphash_key reference_key() {
  shoal::siphash_key k;
  std::iota(k.begin(), k.end(), std::uint8_t{0});
  return k;
}

}  // namespace

// Vectors from the SipHash paper (Aumasson and Bernstein, appendix A) and its reference code.
TEST(SipHash, ReferenceVectors) {
  std::uint8_t msg[64];
  std::iota(msg, msg + sizeof msg, std::uint8_t{0});
  EXPECT_EQ(shoal::siphash24(reference_key(), msg, 0), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(shoal::siphash24(reference_key(), msg, 15), 0xa129ca6149be45e5ULL);
  EXPECT_EQ(shoal::siphash24(reference_key(), msg, 8), 0x93f5f5799a932462ULL);
}

TEST(SipHash, KeyChangesTheHash) {
  std::uint8_t msg[25] = {1, 2, 3};
  auto k = reference_key();
  auto a = shoal::siphash24(k, msg, sizeof msg);
  k[15] ^= 1;
  EXPECT_NE(a, shoal::siphash24(k, msg, sizeof msg));
}
