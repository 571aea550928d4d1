#include "shoal/util/random_bytes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <vector>

// Every byte is written (a buffer larger than getrandom's 256-byte unit included), and two calls differ.
TEST(RandomBytes, FillsTheWholeBuffer) {
  std::vector<unsigned char> a(4096, 0), b(4096, 0);
  ASSERT_TRUE(shoal::random_bytes(a.data(), a.size()));
  ASSERT_TRUE(shoal::random_bytes(b.data(), b.size()));
  EXPECT_NE(a, b);
  // 4096 uniform bytes: all 256 values turn up with overwhelming probability, and the tail was written.
  EXPECT_EQ(std::set<unsigned char>(a.begin(), a.end()).size(), 256u);
  EXPECT_FALSE(std::all_of(a.end() - 64, a.end(), [](unsigned char c) { return c == 0; }));
}

TEST(RandomBytes, ZeroBytesIsFine) {
  std::array<unsigned char, 1> one{0x5a};
  EXPECT_TRUE(shoal::random_bytes(one.data(), 0));
  EXPECT_EQ(one[0], 0x5a);
}
