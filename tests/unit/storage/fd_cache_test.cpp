#include "shoal/storage/fd_cache.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <vector>

using namespace shoal;

TEST(FdCache, BoundedLruAndHandlesOutliveEviction) {
  std::vector<int> opened;
  fd_cache cache(5, 2, [&](int file) -> result<unique_fd> {
    opened.push_back(file);
    return unique_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  });
  auto a = cache.get(0);
  ASSERT_TRUE(a);
  const fd_cache::handle held = *a;
  ASSERT_TRUE(cache.get(1));
  ASSERT_TRUE(cache.get(0));  // hit: 0 becomes most recent
  ASSERT_TRUE(cache.get(2));  // evicts 1
  EXPECT_EQ(cache.open_count(), 2u);
  ASSERT_TRUE(cache.get(0));
  ASSERT_TRUE(cache.get(1));  // reopened; evicts 2
  EXPECT_EQ(opened, (std::vector<int>{0, 1, 2, 1}));
  ASSERT_TRUE(cache.get(3));  // evicts 0, which we still hold
  EXPECT_GE(::fcntl(held->get(), F_GETFD), 0);
  cache.close_all();
  EXPECT_EQ(cache.open_count(), 0u);
  EXPECT_GE(::fcntl(held->get(), F_GETFD), 0);
}

TEST(FdCache, OpenErrorsPassThrough) {
  fd_cache cache(1, 4, [](int) -> result<unique_fd> { return error{"open x: nope"}; });
  auto r = cache.get(0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "open x: nope");
  EXPECT_EQ(cache.open_count(), 0u);
}
