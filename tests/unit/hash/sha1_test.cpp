#include "shoal/hash/sha1.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hash/sha1_test_data.hpp"

using shoal::test::random_message;
using shoal::test::sha1_modes;

TEST(Sha1, KnownVectors) {
  EXPECT_EQ(shoal::sha1("").hex(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(shoal::sha1("abc").hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(shoal::sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex(),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  for (bool ext : sha1_modes()) {
    shoal::sha1_hasher h(ext);
    for (int i = 0; i < 1000; ++i) h.update(std::string(1000, 'a'));
    EXPECT_EQ(h.final().hex(), "34aa973cd4c4daa4f61eeb2bdbad27316534016f") << "ext=" << ext;  // a million 'a'
  }
}

// One-shot: every length across the padding boundaries (55/56/63/64 and their multiples), then larger ones.
TEST(Sha1, OneShotMatchesOpenSslAtEveryLength) {
  const std::string data = random_message(70000, 5);
  for (std::size_t n = 0; n <= 300; ++n)
    EXPECT_EQ(shoal::sha1(data.data(), n), shoal::sha1_openssl(data.data(), n)) << "n=" << n;
  for (std::size_t n : {1000, 4095, 4096, 4097, 16384, 65536, 70000})
    EXPECT_EQ(shoal::sha1(data.data(), n), shoal::sha1_openssl(data.data(), n)) << "n=" << n;
}

// Incremental: the message fed in pieces of every size, so a partial block is completed from every
// offset; the hasher is reused after final() and survives a move.
TEST(Sha1, HasherMatchesOpenSslForAnySplit) {
  const std::string data = random_message(70000, 6);
  for (bool ext : sha1_modes()) {
    shoal::sha1_hasher h(ext);
    for (std::size_t n : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 129, 1000, 4096, 70000}) {
      for (std::size_t step = 1; step <= 130; step += (step < 70 ? 1 : 13)) {
        if (n > 4096 && step < 64) continue;  // the small steps are covered by the shorter messages
        for (std::size_t at = 0; at < n; at += step) h.update(data.data() + at, std::min(step, n - at));
        EXPECT_EQ(h.final(), shoal::sha1_openssl(data.data(), n))
            << "ext=" << ext << " n=" << n << " step=" << step;
      }
    }
    shoal::sha1_hasher moved = std::move(h);
    moved.update("abc");
    EXPECT_EQ(moved.final().hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    shoal::sha1_hasher assigned(!ext);
    assigned = std::move(moved);
    assigned.update("abc");
    EXPECT_EQ(assigned.final().hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  }
}
