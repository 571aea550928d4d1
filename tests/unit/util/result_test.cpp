#include "shoal/util/result.hpp"

#include <gtest/gtest.h>

namespace shoal {
namespace {

result<int> parse(bool good) {
  if (!good) return error{"bad input"};
  return 7;
}

TEST(result, AnErrorFromOnlyAMessageIsGeneric) {
  auto r = parse(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), error_code::generic);
  EXPECT_EQ(r.message(), "bad input");
  EXPECT_EQ(*parse(true), 7);
}

TEST(result, ACallerBranchesOnTheCode) {
  status s = error{error_code::cancelled, "check of x cancelled"};
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), error_code::cancelled);
  EXPECT_EQ(s.err().code, error_code::cancelled);
  EXPECT_EQ(s.message(), "check of x cancelled");
  status copied = s.err();
  EXPECT_EQ(copied.code(), error_code::cancelled);
}

}  // namespace
}  // namespace shoal
