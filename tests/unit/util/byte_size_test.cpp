#include <gtest/gtest.h>

#include "shoal/util/byte_size.hpp"

using namespace shoal;

TEST(ByteSize, PlainAndSuffixedAreBinaryMultiples) {
  EXPECT_EQ(*parse_byte_size("0"), 0u);
  EXPECT_EQ(*parse_byte_size("262144"), 262144u);
  EXPECT_EQ(*parse_byte_size("500K"), 500u * 1024);
  EXPECT_EQ(*parse_byte_size("500k"), 500u * 1024);
  EXPECT_EQ(*parse_byte_size("2M"), 2u << 20);
  EXPECT_EQ(*parse_byte_size("1G"), 1u << 30);
  EXPECT_EQ(*parse_byte_size("3T"), std::uint64_t{3} << 40);
  EXPECT_EQ(*parse_byte_size("256KiB"), 256u << 10);
  EXPECT_EQ(*parse_byte_size("1mb"), 1u << 20);
  EXPECT_EQ(*parse_byte_size("18446744073709551615"), UINT64_MAX);
}

TEST(ByteSize, RefusesWithAPhrase) {
  EXPECT_EQ(parse_byte_size("").message(), "is empty");
  EXPECT_EQ(parse_byte_size("-5").message(), "is negative");
  EXPECT_EQ(parse_byte_size("-1K").message(), "is negative");
  EXPECT_EQ(parse_byte_size("abc").message(), "is not a whole number");
  EXPECT_EQ(parse_byte_size("K").message(), "is not a whole number");
  EXPECT_EQ(parse_byte_size(" 5").message(), "is not a whole number");
  EXPECT_EQ(parse_byte_size("18446744073709551616").message(), "is too large");
  EXPECT_EQ(parse_byte_size("16777216T").message(), "is too large");
  for (const char* bad : {"1X", "1.5M", "2 M", "1KX", "1Bi", "5P"})
    EXPECT_NE(parse_byte_size(bad).message().find("unknown suffix"), std::string::npos) << bad;
}

TEST(ByteSize, FormatsTheShortestExactSpelling) {
  EXPECT_EQ(format_byte_size(0), "0");
  EXPECT_EQ(format_byte_size(1536), "1536");
  EXPECT_EQ(format_byte_size(1024), "1K");
  EXPECT_EQ(format_byte_size(256u << 20), "256M");
  EXPECT_EQ(format_byte_size(std::uint64_t{1} << 40), "1T");
  EXPECT_EQ(format_byte_size(std::uint64_t{1} << 50), "1024T");
  for (std::uint64_t n : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{3} << 30, UINT64_MAX})
    EXPECT_EQ(*parse_byte_size(format_byte_size(n)), n);
}
