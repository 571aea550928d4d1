#include "shoal/util/flat_map.hpp"

#include <map>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace shoal {
namespace {

TEST(FlatMap, KeepsKeysSortedWhateverTheInsertOrder) {
  flat_map<int, std::string> m;
  EXPECT_TRUE(m.try_emplace(5, "five").second);
  EXPECT_TRUE(m.try_emplace(1, "one").second);
  EXPECT_TRUE(m.try_emplace(9, "nine").second);
  EXPECT_TRUE(m.try_emplace(3, "three").second);
  std::vector<int> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<int>{1, 3, 5, 9}));
  EXPECT_EQ(m.find(3)->second, "three");
  EXPECT_EQ(m.find(4), m.end());
  EXPECT_FALSE(m.contains(10));
  EXPECT_TRUE(m.contains(9));
}

TEST(FlatMap, AnExistingKeyIsNeitherReplacedNorDuplicated) {
  flat_map<int, std::string> m;
  m.emplace(2, "first");
  auto [it, fresh] = m.emplace(2, "second");
  EXPECT_FALSE(fresh);
  EXPECT_EQ(it->second, "first");
  EXPECT_EQ(m.size(), 1u);
  m[2] = "third";
  EXPECT_EQ(m.find(2)->second, "third");
  EXPECT_EQ(m[7], "");  // operator[] makes a default value, as std::map's
  EXPECT_EQ(m.size(), 2u);
}

TEST(FlatMap, EraseRemovesOnlyTheKeyAndSaysWhetherItWasThere) {
  flat_map<int, int> m;
  for (int i = 0; i < 10; ++i) m[i] = i * i;
  EXPECT_EQ(m.erase(4), 1u);
  EXPECT_EQ(m.erase(4), 0u);
  EXPECT_EQ(m.erase(100), 0u);
  EXPECT_EQ(m.size(), 9u);
  EXPECT_FALSE(m.contains(4));
  EXPECT_EQ(m.find(5)->second, 25);
  auto it = m.erase(m.find(0));
  EXPECT_EQ(it->first, 1);
  m.clear();
  EXPECT_TRUE(m.empty());
}

TEST(FlatMap, BehavesAsStdMapUnderARandomMixOfOperations) {
  flat_map<unsigned, unsigned> flat;
  std::map<unsigned, unsigned> ref;
  std::mt19937 rng(12345);
  for (int step = 0; step < 20000; ++step) {
    const unsigned k = rng() % 500, v = rng();
    switch (rng() % 4) {
      case 0: EXPECT_EQ(flat.try_emplace(k, v).second, ref.try_emplace(k, v).second); break;
      case 1: flat[k] = v, ref[k] = v; break;
      case 2: EXPECT_EQ(flat.erase(k), ref.erase(k)); break;
      default: EXPECT_EQ(flat.contains(k), ref.contains(k)); break;
    }
  }
  ASSERT_EQ(flat.size(), ref.size());
  auto r = ref.begin();
  for (const auto& [k, v] : flat) {
    EXPECT_EQ(k, r->first);
    EXPECT_EQ(v, r->second);
    ++r;
  }
}

TEST(FlatMap, SpareCapacityStaysUnderAQuarterPlusEight) {
  flat_map<unsigned, unsigned> m;
  for (unsigned i = 1; i <= 10000; ++i) {
    m[i] = i;  // ids only grow: every insert appends
    ASSERT_LE(m.capacity(), m.size() + m.size() / 4 + 8) << "after " << i;
  }
  EXPECT_EQ(m.size(), 10000u);
  EXPECT_EQ(m.begin()->first, 1u);
  EXPECT_EQ((m.end() - 1)->first, 10000u);
}

}  // namespace
}  // namespace shoal
