#include <gtest/gtest.h>

#include "shoal/util/utf8.hpp"

using namespace shoal;

TEST(Utf8, DecodesValidSequences) {
  EXPECT_EQ(decode_utf8("a").value, 'a');
  auto two = decode_utf8("\xc3\xa4");
  EXPECT_EQ(two.value, 0xe4);
  EXPECT_EQ(two.length, 2u);
  auto four = decode_utf8("\xf0\x9f\x98\x80");
  EXPECT_EQ(four.value, 0x1f600);
  EXPECT_EQ(four.length, 4u);
}

TEST(Utf8, RejectsInvalidSequences) {
  EXPECT_EQ(decode_utf8("\x80").value, -1);          // lone continuation byte
  EXPECT_EQ(decode_utf8("\xc3").value, -1);          // truncated
  EXPECT_EQ(decode_utf8("\xc0\xaf").value, -1);      // overlong '/'
  EXPECT_EQ(decode_utf8("\xed\xa0\x80").value, -1);  // surrogate
  EXPECT_EQ(decode_utf8("\xf4\x90\x80\x80").value, -1);  // above U+10FFFF
  auto bad_continuation = decode_utf8("\xc3" "a");
  EXPECT_EQ(bad_continuation.value, -1);
  EXPECT_EQ(bad_continuation.length, 1u);  // 'a' is not swallowed
}

TEST(Utf8, ToValidUtf8) {
  EXPECT_EQ(to_valid_utf8("ok \xc3\xa4"), "ok \xc3\xa4");
  EXPECT_EQ(to_valid_utf8("a\xff" "b", "?"), "a?b");
  std::string round;
  for (std::int32_t cp : {0x41, 0xe4, 0x20ac, 0x1f600}) append_utf8(round, cp);
  EXPECT_EQ(round, "A\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80");
}
