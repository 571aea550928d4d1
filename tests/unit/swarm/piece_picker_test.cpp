#include "shoal/swarm/piece_picker.hpp"

#include <gtest/gtest.h>

#include <set>

using shoal::bitfield;
using shoal::block_ref;
using shoal::block_size;
using shoal::swarm::piece_picker;

namespace {

bitfield all_of(int n) {
  bitfield b(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) b.set(static_cast<std::size_t>(i));
  return b;
}

bitfield only(int n, std::initializer_list<int> pieces) {
  bitfield b(static_cast<std::size_t>(n));
  for (int i : pieces) b.set(static_cast<std::size_t>(i));
  return b;
}

}  // namespace

TEST(PiecePicker, BlocksCoverEveryPieceIncludingShortLastOne) {
  // 3 pieces of 40 KiB, last one 10 KiB: blocks 16K,16K,8K | 16K,16K,8K | 10K
  piece_picker p(3, 40 * 1024, 90 * 1024, 1);
  EXPECT_EQ(p.blocks_in_piece(0), 3);
  EXPECT_EQ(p.blocks_in_piece(2), 1);
  std::vector<block_ref> out;
  auto peer = all_of(3);
  p.add_peer(peer);
  EXPECT_EQ(p.pick(peer, 100, out), 7u);
  std::int64_t total = 0;
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (auto& b : out) {
    total += b.length;
    EXPECT_TRUE(seen.insert({b.piece, b.begin}).second);
  }
  EXPECT_EQ(total, 90 * 1024);
  // Everything requested once and nothing unstarted: endgame hands out duplicates, but not to the same peer.
  std::vector<block_ref> again;
  EXPECT_EQ(p.pick(peer, 100, again, [&](const block_ref& b) {
    return std::find(out.begin(), out.end(), b) != out.end();
  }), 0u);
  EXPECT_TRUE(p.in_endgame());
  EXPECT_EQ(p.pick(peer, 100, again), 7u);
}

TEST(PiecePicker, FinishesPartialPiecesBeforeStartingNewOnes) {
  piece_picker p(4, 4 * block_size, 16 * block_size, 7);
  auto peer = all_of(4);
  p.add_peer(peer);
  std::vector<block_ref> out;
  ASSERT_EQ(p.pick(peer, 2, out), 2u);
  const auto first = out[0].piece;
  EXPECT_EQ(out[1].piece, first);
  p.on_request_dropped(out[1]);  // given back: the next pick takes it before any new piece
  out.clear();
  ASSERT_EQ(p.pick(peer, 3, out), 3u);
  for (auto& b : out) EXPECT_EQ(b.piece, first);
}

TEST(PiecePicker, RarestFirstAmongWhatThePeerHas) {
  piece_picker p(4, block_size, 4 * block_size, 3);
  p.set_initial_random(0);
  p.add_peer(all_of(4));
  p.add_peer(only(4, {0, 1, 3}));
  p.add_peer(only(4, {0, 3}));
  // availability: 0:3 1:2 2:1 3:3
  std::vector<block_ref> out;
  ASSERT_EQ(p.pick(all_of(4), 1, out), 1u);
  EXPECT_EQ(out[0].piece, 2u);
  out.clear();
  ASSERT_EQ(p.pick(only(4, {0, 1, 3}), 1, out), 1u);
  EXPECT_EQ(out[0].piece, 1u);
  // A peer without the rare piece never gets it.
  out.clear();
  p.pick(only(4, {0}), 10, out);
  for (auto& b : out) EXPECT_EQ(b.piece, 0u);
}

TEST(PiecePicker, RandomAmongEquallyRarePieces) {
  std::set<std::uint32_t> firsts;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    piece_picker p(16, block_size, 16 * block_size, seed);
    p.add_peer(all_of(16));
    std::vector<block_ref> out;
    p.pick(all_of(16), 1, out);
    firsts.insert(out.at(0).piece);
  }
  EXPECT_GT(firsts.size(), 3u);
}

TEST(PiecePicker, FirstPiecesAreRandomThenRarestFirst) {
  // Piece 0 is on one peer, the other fifteen on two: the first picks ignore rarity, later ones do not.
  std::set<std::uint32_t> firsts;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    piece_picker p(16, block_size, 16 * block_size, seed);
    p.add_peer(all_of(16));
    p.add_peer(bitfield::from_bytes(std::string("\x7f\xff", 2), 16).value());
    std::vector<block_ref> out;
    ASSERT_EQ(p.pick(all_of(16), 1, out), 1u);
    firsts.insert(out[0].piece);
    // Four pieces held: from now on the rare piece 0 comes first (unless it was the random first pick).
    const std::uint32_t first = out[0].piece;
    int held = 0;
    for (int piece = 15; held < 4; --piece)
      if (piece != static_cast<int>(first) && piece != 0) p.set_have(piece), ++held;
    out.clear();
    ASSERT_EQ(p.pick(all_of(16), 1, out), 1u);
    if (first != 0) {
      EXPECT_EQ(out[0].piece, 0u) << "seed " << seed;
    }
  }
  EXPECT_GT(firsts.size(), 3u);  // not always the rarest
}

TEST(PiecePicker, CompletedPieceIsVerifiedThenCounted) {
  piece_picker p(2, 2 * block_size, 3 * block_size, 1);
  auto peer = all_of(2);
  p.add_peer(peer);
  std::vector<block_ref> out;
  ASSERT_EQ(p.pick(peer, 10, out), 3u);
  int others = 0;
  int completed = -1;
  for (auto& b : out) {
    auto r = p.on_block(b, others);
    EXPECT_NE(r, piece_picker::block_result::unexpected);
    if (r == piece_picker::block_result::piece_complete) {
      completed = static_cast<int>(b.piece);
      p.on_piece_passed(completed);
    }
  }
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(p.bytes_left(), 0);
  EXPECT_EQ(p.on_block(out[0], others), piece_picker::block_result::unexpected);  // late duplicate
}

TEST(PiecePicker, FailedPieceIsFetchedAgain) {
  piece_picker p(1, 2 * block_size, 2 * block_size, 1);
  auto peer = all_of(1);
  p.add_peer(peer);
  std::vector<block_ref> out;
  ASSERT_EQ(p.pick(peer, 10, out), 2u);
  int others = 0;
  EXPECT_EQ(p.on_block(out[0], others), piece_picker::block_result::accepted);
  EXPECT_EQ(p.on_block(out[1], others), piece_picker::block_result::piece_complete);
  std::vector<block_ref> none;
  EXPECT_EQ(p.pick(peer, 10, none), 0u);  // verifying: nothing to hand out
  p.on_piece_failed(0);
  EXPECT_FALSE(p.have(0));
  std::vector<block_ref> again;
  EXPECT_EQ(p.pick(peer, 10, again), 2u);
  EXPECT_EQ(again, out);
}

TEST(PiecePicker, EndgameDuplicatesAreReportedForCancel) {
  piece_picker p(1, block_size, block_size, 1);
  auto peer = all_of(1);
  p.add_peer(peer);
  std::vector<block_ref> a, b;
  ASSERT_EQ(p.pick(peer, 1, a), 1u);
  ASSERT_EQ(p.pick(peer, 1, b), 1u);  // endgame: second peer gets the same block
  EXPECT_EQ(a, b);
  int others = 0;
  EXPECT_EQ(p.on_block(a[0], others), piece_picker::block_result::piece_complete);
  EXPECT_EQ(others, 1);
}

TEST(PiecePicker, DroppedRequestsReturnToThePool) {
  piece_picker p(2, block_size, 2 * block_size, 1);
  auto peer = all_of(2);
  p.add_peer(peer);
  std::vector<block_ref> out;
  ASSERT_EQ(p.pick(peer, 1, out), 1u);
  p.on_request_dropped(out[0]);
  std::vector<block_ref> again;
  ASSERT_EQ(p.pick(peer, 1, again), 1u);
  EXPECT_EQ(again[0], out[0]);  // the partial piece is resumed first
}

TEST(PiecePicker, ResumeSkipsPiecesWeHave) {
  piece_picker p(4, block_size, 4 * block_size, 1);
  p.set_have(0);
  p.set_have(2);
  EXPECT_EQ(p.have_count(), 2);
  EXPECT_EQ(p.bytes_left(), 2 * block_size);
  auto peer = all_of(4);
  EXPECT_TRUE(p.wants_any_of(peer));
  EXPECT_FALSE(p.wants_any_of(only(4, {0, 2})));
  std::vector<block_ref> out;
  p.add_peer(peer);
  ASSERT_EQ(p.pick(peer, 10, out), 2u);
  for (auto& b : out) EXPECT_TRUE(b.piece == 1 || b.piece == 3);
}

TEST(PiecePicker, AvailabilityFollowsPeers) {
  piece_picker p(3, block_size, 3 * block_size, 1);
  auto a = only(3, {0, 1});
  p.add_peer(a);
  p.add_have(2);
  EXPECT_EQ(p.availability(0), 1);
  EXPECT_EQ(p.availability(2), 1);
  p.remove_peer(a);
  EXPECT_EQ(p.availability(0), 0);
  EXPECT_EQ(p.availability(1), 0);
}

TEST(PiecePicker, FailedPieceIsTakenWholeByOnePeer) {
  piece_picker p(2, 3 * block_size, 6 * block_size, 1);
  auto peer = all_of(2);
  p.add_peer(peer);
  std::vector<block_ref> out;
  ASSERT_EQ(p.take_piece(1, out), 3u);  // unstarted: started and handed out whole
  std::vector<block_ref> twice;
  EXPECT_EQ(p.take_piece(1, twice), 0u);  // nothing free left of it
  std::vector<block_ref> rest;
  EXPECT_EQ(p.pick(peer, 10, rest), 3u);  // the other piece only
  for (const auto& b : rest) EXPECT_EQ(b.piece, 0u);
  p.on_request_dropped(out[2]);
  std::vector<block_ref> freed;
  EXPECT_EQ(p.take_piece(1, freed), 1u);
  EXPECT_EQ(freed[0], out[2]);
  EXPECT_EQ(p.take_piece(7, freed), 0u);  // out of range
}
