// Gathering buffers for downloading pieces: bounded in bytes and count, reused once given back.
#include "shoal/storage/piece_buffers.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace shoal;

TEST(piece_buffers, as_many_as_the_budget_holds) {
  piece_buffers pool(1 << 20, 4u << 20);
  EXPECT_EQ(pool.capacity(), 4u);
  std::vector<piece_buffers::buffer> taken;
  for (int i = 0; i < 4; ++i) {
    taken.push_back(pool.take());
    ASSERT_NE(taken.back(), nullptr);
  }
  EXPECT_EQ(pool.out(), 4u);
  EXPECT_EQ(pool.take(), nullptr);  // all out: the caller writes block by block
}

TEST(piece_buffers, a_buffer_given_back_is_taken_again) {
  piece_buffers pool(16384, 16384);
  auto a = pool.take();
  ASSERT_NE(a, nullptr);
  std::memset(a.get(), 0x5a, 16384);  // the whole piece length is usable
  const auto* where = a.get();
  EXPECT_EQ(pool.take(), nullptr);
  pool.give_back(std::move(a));
  EXPECT_EQ(pool.out(), 0u);
  auto b = pool.take();
  EXPECT_EQ(b.get(), where);  // the same memory, not a new allocation
}

TEST(piece_buffers, count_capped_for_small_pieces) {
  piece_buffers pool(16384, 4u << 20, 8);
  EXPECT_EQ(pool.capacity(), 8u);
}

TEST(piece_buffers, a_piece_larger_than_the_budget_gets_none) {
  piece_buffers pool(std::int64_t{8} << 20, 4u << 20);
  EXPECT_EQ(pool.capacity(), 0u);
  EXPECT_EQ(pool.take(), nullptr);
  piece_buffers nothing(0, 4u << 20);
  EXPECT_EQ(nothing.take(), nullptr);
}

TEST(piece_buffers, release_free_keeps_the_count_of_those_out) {
  piece_buffers pool(1 << 20, 2u << 20);
  auto a = pool.take();
  auto b = pool.take();
  pool.give_back(std::move(a));
  pool.release_free();
  EXPECT_EQ(pool.out(), 1u);
  EXPECT_NE(pool.take(), nullptr);  // allocated afresh
  EXPECT_EQ(pool.take(), nullptr);
  pool.give_back(std::move(b));
  EXPECT_EQ(pool.out(), 1u);
}
