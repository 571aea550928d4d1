#include "shoal/util/bitfield.hpp"

#include <gtest/gtest.h>

#include <string>

using shoal::bitfield;

TEST(Bitfield, SetGetResetCount) {
  bitfield b(10);
  EXPECT_EQ(b.size(), 10u);
  EXPECT_TRUE(b.none());
  EXPECT_FALSE(b.all());
  b.set(0);
  b.set(9);
  b.set(9);  // idempotent: count stays right
  EXPECT_TRUE(b.get(0));
  EXPECT_TRUE(b[9]);
  EXPECT_FALSE(b.get(5));
  EXPECT_EQ(b.count(), 2u);
  b.reset(0);
  b.reset(0);
  EXPECT_EQ(b.count(), 1u);
  EXPECT_FALSE(b.get(0));
}

TEST(Bitfield, OutOfRangeIsIgnored) {
  bitfield b(3);
  b.set(3);
  b.set(1000);
  EXPECT_EQ(b.count(), 0u);
  EXPECT_FALSE(b.get(3));
  EXPECT_EQ(b.bytes(), std::string(1, '\0'));
}

TEST(Bitfield, WireOrderHighBitFirst) {
  bitfield b(10);
  b.set(0);
  b.set(8);
  b.set(9);
  EXPECT_EQ(b.bytes(), std::string("\x80\xC0", 2));
}

TEST(Bitfield, AllKeepsSpareBitsZero) {
  bitfield b(10, true);
  EXPECT_TRUE(b.all());
  EXPECT_EQ(b.count(), 10u);
  EXPECT_EQ(b.bytes(), std::string("\xFF\xC0", 2));
  bitfield exact(16, true);
  EXPECT_EQ(exact.bytes(), std::string("\xFF\xFF", 2));
  b.reset_all();
  EXPECT_TRUE(b.none());
  EXPECT_EQ(b.bytes(), std::string(2, '\0'));
}

TEST(Bitfield, EmptyIsBothAllAndNone) {
  bitfield b(0);
  EXPECT_TRUE(b.all());
  EXPECT_TRUE(b.none());
  EXPECT_TRUE(b.bytes().empty());
}

TEST(Bitfield, FromBytesRoundTrip) {
  bitfield b(13);
  b.set(2);
  b.set(12);
  auto c = bitfield::from_bytes(b.bytes(), 13);
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(*c, b);
  EXPECT_EQ(c->count(), 2u);
  EXPECT_TRUE(c->get(12));
}

TEST(Bitfield, FromBytesWrongLength) {
  auto r = bitfield::from_bytes(std::string(3, '\0'), 13);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "bitfield: 3 bytes, expected 2 for 13 pieces");
  EXPECT_FALSE(bitfield::from_bytes(std::string(1, '\0'), 13));
  EXPECT_FALSE(bitfield::from_bytes(std::string(1, '\0'), 0));
}

TEST(Bitfield, FromBytesSpareBitsSet) {
  // 13 pieces: the last byte uses its 5 high bits; bit for "piece 13" is spare.
  auto r = bitfield::from_bytes(std::string("\x00\x04", 2), 13);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "bitfield: spare bits set after piece 12");
  EXPECT_TRUE(bitfield::from_bytes(std::string("\xFF\xF8", 2), 13));
  EXPECT_TRUE(bitfield::from_bytes(std::string("\xFF\xFF", 2), 16));
}
