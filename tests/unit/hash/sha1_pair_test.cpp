#include "shoal/hash/sha1_pair.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hash/sha1_test_data.hpp"

using shoal::test::random_message;
using shoal::test::sha1_modes;

TEST(Sha1Pair, KnownVectors) {
  for (bool ext : sha1_modes()) {
    shoal::sha1_pair p(ext);
    p.update(0, "abc", 3);
    EXPECT_EQ(p.final(0).hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(p.final(1).hex(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");  // empty lane
    const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    p.update(two_blocks.data(), two_blocks.data(), two_blocks.size());
    EXPECT_EQ(p.final(0).hex(), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    EXPECT_EQ(p.final(1).hex(), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  }
}

// Every padding case (lengths around 55/56/64 bytes), whole blocks interleaved and not, lanes of
// different lengths and a lane reused after final(): each lane matches OpenSSL's digest.
TEST(Sha1Pair, MatchesOpenSslForAnySplit) {
  const std::string a = random_message(70000, 1), b = random_message(70000, 2);
  for (bool ext : sha1_modes()) {
    shoal::sha1_pair p(ext);
    for (std::size_t n : {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4096, 65536, 70000}) {
      for (std::size_t step : {std::size_t{64}, std::size_t{100}, std::size_t{4096}, n + 1}) {
        std::size_t at = 0;
        for (; at + step <= n; at += step) p.update(a.data() + at, b.data() + at, step);
        p.update(0, a.data() + at, n - at);
        p.update(1, b.data() + at, n - at);
        p.update(1, "x", 1);  // lane 1 one byte longer
        EXPECT_EQ(p.final(0), shoal::sha1(a.data(), n)) << "ext=" << ext << " n=" << n << " step=" << step;
        EXPECT_EQ(p.final(1), shoal::sha1(b.substr(0, n) + "x")) << "ext=" << ext << " n=" << n << " step=" << step;
      }
    }
  }
}

// A lane with a pending partial block: the pair update falls back to lane by lane and stays right.
TEST(Sha1Pair, UnalignedLanesStayCorrect) {
  const std::string a = random_message(10000, 3), b = random_message(10000, 4);
  for (bool ext : sha1_modes()) {
    shoal::sha1_pair p(ext);
    p.update(0, a.data(), 7);
    p.update(a.data() + 7, b.data(), 4096);
    p.update(a.data() + 4103, b.data() + 4096, 4096);
    EXPECT_EQ(p.final(0), shoal::sha1(a.data(), 8199));
    EXPECT_EQ(p.final(1), shoal::sha1(b.data(), 8192));
  }
}
