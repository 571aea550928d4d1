#include "shoal/util/rare_string.hpp"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace shoal {
namespace {

TEST(RareString, EmptyHoldsNothingAndReadsAsAnEmptyString) {
  rare_string s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.str(), "");
  s = std::string();  // assigning an empty string keeps it empty: nothing allocated
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(sizeof(rare_string), sizeof(void*));
}

TEST(RareString, ReadsAsTheStringItWasGiven) {
  rare_string s = "made by hand";
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(s, "made by hand");
  EXPECT_EQ(s, std::string("made by hand"));
  EXPECT_EQ(s.size(), 12u);
  const std::string& as_string = s;
  EXPECT_EQ(as_string, "made by hand");
  std::ostringstream o;
  o << s;
  EXPECT_EQ(o.str(), "made by hand");
  EXPECT_EQ(s + "!", "made by hand!");
  EXPECT_EQ("> " + s, "> made by hand");
  s.clear();
  EXPECT_TRUE(s.empty());
}

TEST(RareString, CopiesAreIndependentAndMovesLeaveTheSourceEmpty) {
  rare_string a = "one";
  rare_string b = a;
  b += " two";
  EXPECT_EQ(a, "one");
  EXPECT_EQ(b, "one two");
  a = b;
  EXPECT_EQ(a, b);
  rare_string c = std::move(a);
  EXPECT_EQ(c, "one two");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from rare_string is empty
  rare_string d;
  d += "";
  EXPECT_TRUE(d.empty());
  d += "x";
  EXPECT_EQ(d, "x");
}

}  // namespace
}  // namespace shoal
