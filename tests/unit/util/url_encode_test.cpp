#include "shoal/util/url_encode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shoal {
namespace {

TEST(UrlEncode, UnreservedBytesStayAsTheyAre) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
}

TEST(UrlEncode, EverythingElseBecomesUpperCaseHex) {
  EXPECT_EQ(url_encode(" +/%&=?#"), "%20%2B%2F%25%26%3D%3F%23");
  EXPECT_EQ(url_encode(std::string("\x00\xff\x7f\x80", 4)), "%00%FF%7F%80");
}

TEST(UrlEncode, AppendsToExistingText) {
  std::string out = "x=";
  url_encode_to(out, "a b");
  EXPECT_EQ(out, "x=a%20b");
}

}  // namespace
}  // namespace shoal
