#include "shoal/tracker/client/tier_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "shoal/tracker/client/retry_backoff.hpp"

namespace shoal {
namespace {

using tiers_t = std::vector<std::vector<std::string>>;

TEST(TierList, DropsEmptiesAndDuplicates) {
  tier_list t({{"", "http://a"}, {}, {"http://a", ""}, {"http://b"}}, 1);
  EXPECT_EQ(t.tiers(), (tiers_t{{"http://a"}, {"http://b"}}));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_TRUE(tier_list({{""}, {}}, 1).empty());
}

TEST(TierList, ShufflesWithinTiersOnly) {
  tiers_t in{{"a1", "a2", "a3", "a4", "a5", "a6"}, {"b1", "b2"}};
  bool saw_other_order = false;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    tier_list t(in, seed);
    ASSERT_EQ(t.tiers().size(), 2u);
    auto first = t.tiers()[0];
    auto second = t.tiers()[1];
    if (first != in[0]) saw_other_order = true;
    std::sort(first.begin(), first.end());
    std::sort(second.begin(), second.end());
    EXPECT_EQ(first, in[0]);
    EXPECT_EQ(second, in[1]);
    EXPECT_EQ(tier_list(in, seed).tiers(), t.tiers());  // same seed, same order
  }
  EXPECT_TRUE(saw_other_order);
}

TEST(TierList, AttemptOrderIsTierByTier) {
  tier_list t({{"a"}, {"b", "c"}}, 0);
  auto order = t.attempt_order();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(t.url(order[0]), "a");
  EXPECT_EQ(order[1].tier, 1u);
  EXPECT_EQ(order[2].tier, 1u);
  EXPECT_EQ(order[1].index, 0u);
  EXPECT_EQ(order[2].index, 1u);
}

TEST(TierList, PromoteMovesToFrontKeepingOthersInOrder) {
  tier_list t({{"x"}, {"a", "b", "c", "d"}}, 0);
  auto before = t.tiers()[1];
  t.promote({1, 2});
  EXPECT_EQ(t.tiers()[1], (std::vector<std::string>{before[2], before[0], before[1], before[3]}));
  EXPECT_EQ(t.tiers()[0], (std::vector<std::string>{"x"}));
  t.promote({1, 0});  // already in front: unchanged
  EXPECT_EQ(t.tiers()[1][0], before[2]);
}

TEST(RetryBackoff, DoublesUpToACap) {
  EXPECT_EQ(retry_backoff(0).count(), 0);
  EXPECT_EQ(retry_backoff(1).count(), 15);
  EXPECT_EQ(retry_backoff(2).count(), 30);
  EXPECT_EQ(retry_backoff(3).count(), 60);
  EXPECT_EQ(retry_backoff(8).count(), 1800);
  EXPECT_EQ(retry_backoff(1000).count(), 1800);
}

}  // namespace
}  // namespace shoal
