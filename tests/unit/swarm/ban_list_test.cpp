#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shoal/swarm/ban_list.hpp"

using namespace shoal::swarm;

namespace {
using names = std::vector<std::string>;

void fill(ban_list& b, std::uint32_t piece, const names& by_block) {
  for (std::uint32_t i = 0; i < by_block.size(); ++i) b.record_block(piece, i, by_block[i]);
}
}  // namespace

TEST(BanList, SoleSourceOfAFailedPieceIsBanned) {
  ban_list b;
  fill(b, 7, {"10.0.0.1", "10.0.0.1", "10.0.0.1"});
  EXPECT_EQ(b.piece_failed(7), names{"10.0.0.1"});
  EXPECT_TRUE(b.is_banned("10.0.0.1"));
  EXPECT_FALSE(b.is_banned("10.0.0.2"));
  EXPECT_EQ(b.pieces_tracked(), 0u);
}

TEST(BanList, TwoFailedPiecesBan) {
  ban_list b;
  fill(b, 1, {"A", "B"});
  EXPECT_TRUE(b.piece_failed(1).empty());  // one strike each, nobody proven
  EXPECT_EQ(b.strikes("A"), 1u);
  EXPECT_EQ(b.strikes("B"), 1u);
  fill(b, 2, {"A", "C"});
  EXPECT_EQ(b.piece_failed(2), names{"A"});  // A was in both
  EXPECT_TRUE(b.is_banned("A"));
  EXPECT_FALSE(b.is_banned("B"));
  EXPECT_FALSE(b.is_banned("C"));
  EXPECT_EQ(b.strikes("C"), 1u);
  EXPECT_TRUE(b.piece_failed(2).empty());  // contributors are forgotten after a verdict
}

TEST(BanList, SuccessForgetsContributors) {
  ban_list b;
  fill(b, 3, {"A", "A"});
  EXPECT_TRUE(b.piece_passed(3).empty());
  EXPECT_EQ(b.pieces_tracked(), 0u);
  EXPECT_TRUE(b.piece_failed(3).empty());  // nothing on record any more
  EXPECT_FALSE(b.is_banned("A"));
}

TEST(BanList, LaterCopyOfABlockReplacesTheEarlierOne) {
  ban_list b;
  fill(b, 4, {"A", "B"});
  b.record_block(4, 0, "B");  // block 0 re-downloaded from B: B is now the sole source
  EXPECT_EQ(b.piece_failed(4), names{"B"});
  EXPECT_EQ(b.strikes("A"), 0u);
}

TEST(BanList, DigestsConvictOnlyTheLiar) {
  ban_list b;
  fill(b, 5, {"honest", "liar", "honest", "liar"});
  const std::vector<std::uint64_t> bad = {10, 666, 30, 40};  // the liar's block 1 was wrong, its block 3 right
  const std::vector<std::uint64_t> good = {10, 20, 30, 40};
  EXPECT_TRUE(b.piece_failed(5, bad).empty());
  EXPECT_EQ(b.strikes("honest"), 0u);  // verdict pending: no strike yet
  EXPECT_EQ(b.strikes("liar"), 0u);
  fill(b, 6, {"honest", "liar"});  // a second mixed failure meanwhile, also with digests
  EXPECT_TRUE(b.piece_failed(6, std::vector<std::uint64_t>{1, 2}).empty());
  EXPECT_FALSE(b.is_banned("honest"));  // the plain rule would have banned it here
  fill(b, 5, {"honest", "honest", "honest", "honest"});  // re-downloaded from one peer
  EXPECT_EQ(b.piece_passed(5, good), names{"liar"});
  EXPECT_TRUE(b.is_banned("liar"));
  EXPECT_EQ(b.strikes("honest"), 0u);
  fill(b, 6, {"honest", "honest"});
  EXPECT_TRUE(b.piece_passed(6, std::vector<std::uint64_t>{1, 99}).empty());  // liar already banned
  EXPECT_FALSE(b.is_banned("honest"));
  EXPECT_EQ(b.pieces_tracked(), 0u);
}

TEST(BanList, PendingVerdictFallsBackToStrikes) {
  ban_list b;
  const std::vector<std::uint64_t> digests = {1, 2};
  fill(b, 1, {"A", "B"});
  EXPECT_TRUE(b.piece_failed(1, digests).empty());
  fill(b, 1, {"A", "C"});
  EXPECT_EQ(b.piece_failed(1, digests), names{});  // second failure: A and B get the first one's strikes
  EXPECT_EQ(b.strikes("A"), 1u);
  EXPECT_EQ(b.strikes("B"), 1u);
  EXPECT_EQ(b.strikes("C"), 0u);                  // its attempt is pending now
  fill(b, 1, {"D", "D"});
  EXPECT_EQ(b.piece_passed(1), names{"A"});        // passed without digests: A, C struck; A had one already
  EXPECT_EQ(b.strikes("C"), 1u);
  EXPECT_EQ(b.strikes("D"), 0u);
}

TEST(BanList, BlocksWithoutDigestAreStruckAtOnce) {
  ban_list b;
  fill(b, 2, {"A", "B", "C"});
  EXPECT_TRUE(b.piece_failed(2, std::vector<std::uint64_t>{1, 2}).empty());  // no digest for block 2
  EXPECT_EQ(b.strikes("C"), 1u);
  EXPECT_EQ(b.strikes("A"), 0u);
}

TEST(BanList, ExplicitBanAndIdempotence) {
  ban_list b;
  b.ban("X");
  b.ban("X");
  EXPECT_EQ(b.banned_count(), 1u);
  fill(b, 1, {"X"});
  EXPECT_TRUE(b.piece_failed(1).empty());  // already banned: not reported twice
}

TEST(BanList, MemoryIsBounded) {
  ban_limits limits;
  limits.max_pieces = 8;
  limits.max_blocks_per_piece = 4;
  limits.max_suspects = 3;
  limits.max_banned = 5;
  ban_list b(limits);
  for (std::uint32_t p = 0; p < 100; ++p) b.record_block(p, 0, "A");
  EXPECT_EQ(b.pieces_tracked(), 8u);
  EXPECT_TRUE(b.piece_failed(0).empty());   // evicted long ago
  EXPECT_EQ(b.piece_failed(99), names{"A"});  // recent ones kept
  b.record_block(200, 1000, "Z");          // beyond the block cap: ignored
  EXPECT_TRUE(b.piece_failed(200).empty());
  for (int i = 0; i < 20; ++i) b.ban("peer" + std::to_string(i));
  EXPECT_EQ(b.banned_count(), 5u);
  EXPECT_TRUE(b.is_banned("peer19"));
  EXPECT_FALSE(b.is_banned("peer0"));  // oldest ban dropped first
  for (std::uint32_t p = 300; p < 310; ++p) fill(b, p, {"s" + std::to_string(p), "t" + std::to_string(p)});
  for (std::uint32_t p = 300; p < 310; ++p) EXPECT_TRUE(b.piece_failed(p).empty());
  EXPECT_EQ(b.strikes("s309"), 1u);
  EXPECT_EQ(b.strikes("s300"), 0u);  // oldest suspects dropped
}

TEST(BanList, LongKeysAreCutNotOverflowed) {
  ban_list b;
  const std::string longkey(200, 'k');
  b.ban(longkey);
  EXPECT_TRUE(b.is_banned(longkey));
  EXPECT_TRUE(b.is_banned(std::string(peer_key::capacity, 'k')));
}
