#include "shoal/metainfo/block_geometry.hpp"

#include <gtest/gtest.h>

using shoal::block_geometry;
using shoal::block_ref;
using shoal::block_size;

TEST(BlockGeometry, LastPieceShort) {
  const block_geometry g(2 * 65536 + 1000, 65536);
  EXPECT_EQ(g.piece_count(), 3);
  EXPECT_EQ(g.piece_length(0), 65536);
  EXPECT_EQ(g.piece_length(1), 65536);
  EXPECT_EQ(g.piece_length(2), 1000);
  EXPECT_EQ(g.piece_offset(2), 2 * 65536);
  EXPECT_EQ(g.blocks_in_piece(0), 4);
  EXPECT_EQ(g.blocks_in_piece(2), 1);
  EXPECT_EQ(g.block(2, 0), (block_ref{2, 0, 1000}));
  EXPECT_EQ(g.block_length(2, 1), 0u);
}

TEST(BlockGeometry, LastBlockShort) {
  // Pieces of 40000 bytes: blocks of 16384, 16384 and 7232.
  const block_geometry g(80000, 40000);
  EXPECT_EQ(g.piece_count(), 2);
  EXPECT_EQ(g.blocks_in_piece(1), 3);
  EXPECT_EQ(g.block_length(1, 0), block_size);
  EXPECT_EQ(g.block_length(1, 2), 40000u - 2 * block_size);
  EXPECT_EQ(g.block(1, 2), (block_ref{1, 2 * block_size, 40000u - 2 * block_size}));
  EXPECT_TRUE(g.is_block({1, 2 * block_size, 40000u - 2 * block_size}));
  EXPECT_FALSE(g.is_block({1, 2 * block_size, block_size}));  // past the end of the piece
  EXPECT_FALSE(g.is_block({1, 100, 1000}));                     // not aligned
}

TEST(BlockGeometry, OneByteTorrent) {
  const block_geometry g(1, 262144);
  EXPECT_EQ(g.piece_count(), 1);
  EXPECT_EQ(g.piece_length(0), 1);
  EXPECT_EQ(g.blocks_in_piece(0), 1);
  EXPECT_EQ(g.block(0, 0), (block_ref{0, 0, 1}));
  EXPECT_EQ(g.block_length(0, 1), 0u);
}

TEST(BlockGeometry, ExactMultiples) {
  const block_geometry g(4 * 32768, 32768);
  EXPECT_EQ(g.piece_count(), 4);
  for (int p = 0; p < 4; ++p) {
    EXPECT_EQ(g.piece_length(p), 32768);
    EXPECT_EQ(g.blocks_in_piece(p), 2);
    EXPECT_EQ(g.block_length(p, 1), block_size);
  }
  EXPECT_EQ(g.block(3, 1), (block_ref{3, block_size, block_size}));
}

TEST(BlockGeometry, OutOfRangeIsEmpty) {
  const block_geometry g(100000, 32768);
  EXPECT_EQ(g.piece_length(-1), 0);
  EXPECT_EQ(g.piece_length(4), 0);
  EXPECT_EQ(g.blocks_in_piece(4), 0);
  EXPECT_EQ(g.block_length(0, -1), 0u);
  EXPECT_EQ(g.block(9, 0), block_ref{});
  EXPECT_FALSE(g.is_block({4, 0, 100}));
}

TEST(BlockGeometry, EmptyOrInvalidHasNoPieces) {
  EXPECT_EQ(block_geometry(0, 16384).piece_count(), 0);
  EXPECT_EQ(block_geometry(100, 0).piece_count(), 0);
  EXPECT_EQ(block_geometry().blocks_in_piece(0), 0);
}

TEST(BlockGeometry, BlockIndex) {
  EXPECT_EQ(block_geometry::block_index(0), 0);
  EXPECT_EQ(block_geometry::block_index(block_size), 1);
  EXPECT_EQ(block_geometry::block_index(3 * block_size + 5), 3);
}

TEST(BlockGeometry, PiecesForCountsIn64Bits) {
  EXPECT_EQ(block_geometry::pieces_for(100, 100), 1);
  EXPECT_EQ(block_geometry::pieces_for(101, 100), 2);
  EXPECT_EQ(block_geometry::pieces_for(0, 100), 0);
  const std::int64_t huge = std::int64_t{1} << 50;
  EXPECT_EQ(block_geometry::pieces_for(huge, 16384), huge / 16384);
  EXPECT_EQ(block_geometry(huge, 1).piece_count(), 0);  // more pieces than an int counts
}
