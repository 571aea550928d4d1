#include "shoal/util/path_pool.hpp"

#include <gtest/gtest.h>

namespace shoal {
namespace {

TEST(PathPool, EqualFoldersShareOneCopy) {
  path_pool pool;
  auto a = pool.intern("/srv/downloads");
  auto b = pool.intern(std::filesystem::path("/srv") / "downloads");
  auto c = pool.intern("/srv/other");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(*a, std::filesystem::path("/srv/downloads"));
  EXPECT_EQ(*c, std::filesystem::path("/srv/other"));
  EXPECT_EQ(pool.size(), 2u);
}

TEST(PathPool, AFolderNobodyHoldsIsForgottenAndMadeAgain) {
  path_pool pool;
  auto a = pool.intern("/a");
  a.reset();
  EXPECT_EQ(pool.size(), 0u);
  auto again = pool.intern("/a");
  EXPECT_EQ(*again, std::filesystem::path("/a"));
  EXPECT_EQ(pool.size(), 1u);
}

TEST(PathPool, SweepsKeepTheHeldOnesAcrossManyFolders) {
  path_pool pool;
  std::vector<std::shared_ptr<const std::filesystem::path>> held;
  for (int i = 0; i < 1000; ++i) {
    auto p = pool.intern("/d/" + std::to_string(i));
    if (i % 10 == 0) held.push_back(p);
  }
  EXPECT_EQ(pool.size(), held.size());
  for (std::size_t i = 0; i < held.size(); ++i)
    EXPECT_EQ(pool.intern("/d/" + std::to_string(i * 10)).get(), held[i].get());
}

}  // namespace
}  // namespace shoal
