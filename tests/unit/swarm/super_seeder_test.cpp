#include "shoal/swarm/super_seeder.hpp"

#include <gtest/gtest.h>

#include <set>

using shoal::bitfield;
using shoal::swarm::piece_picker;
using shoal::swarm::super_seeder;
using namespace std::chrono_literals;

namespace {

constexpr int pieces = 8;

struct swarm {
  piece_picker picker{pieces, 16384, pieces * 16384};
  super_seeder seeder{pieces, 2};
  std::vector<bitfield> has = std::vector<bitfield>(6, bitfield(pieces));
  shoal::swarm::super_seed_clock::time_point now{};

  std::vector<int> refill(int peer) {
    std::vector<int> out;
    seeder.refill(static_cast<std::uint64_t>(peer), has[static_cast<std::size_t>(peer)], picker, now, out);
    return out;
  }
  void got(int peer, int piece) {  // the peer completed a piece and announced it
    has[static_cast<std::size_t>(peer)].set(static_cast<std::size_t>(piece));
    picker.add_have(piece);
    seeder.on_have(static_cast<std::uint64_t>(peer), piece);
  }
};

}  // namespace

TEST(SuperSeeder, FirstOffersAreDistinctAndLatePeersWait) {
  swarm s;
  std::set<int> offered;
  for (int p = 0; p < 4; ++p) {
    auto out = s.refill(p);
    ASSERT_EQ(out.size(), 2u) << "peer " << p;
    for (int piece : out) EXPECT_TRUE(offered.insert(piece).second) << "piece " << piece << " offered twice";
  }
  EXPECT_EQ(offered.size(), 8u);
  EXPECT_TRUE(s.refill(4).empty());  // every piece on nobody is already offered: no duplicate yet
  EXPECT_EQ(s.seeder.open_offers(4), 0u);
}

TEST(SuperSeeder, AHaveFulfilsTheOfferAndBringsANewOne) {
  swarm s;
  auto first = s.refill(0);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_TRUE(s.refill(0).empty());  // two open offers already
  s.got(0, first[0]);
  EXPECT_EQ(s.seeder.offered_count(first[0]), 0);
  auto next = s.refill(0);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0], first[0]);
  EXPECT_NE(next[0], first[1]);
  EXPECT_EQ(s.picker.availability(next[0]), 0);
}

TEST(SuperSeeder, OnceEveryPieceIsOutTheRarestGoFirst) {
  swarm s;
  for (int i = 0; i < pieces; ++i) s.got(0, i);  // peer 0 has everything (e.g. from earlier offers)
  for (int i = 0; i < 6; ++i) s.got(1, i);       // peer 1 has pieces 0..5: 6 and 7 are the rarest
  auto out = s.refill(2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(std::set<int>(out.begin(), out.end()), (std::set<int>{6, 7}));
  // Peer 3 already has 6 and 7: it gets two of the others, never what it has.
  s.has[3].set(6);
  s.has[3].set(7);
  for (int piece : s.refill(3)) EXPECT_LT(piece, 6);
}

TEST(SuperSeeder, LeavingAndStalledPeersGiveTheirOffersBack) {
  swarm s;
  for (int p = 0; p < 4; ++p) s.refill(p);
  EXPECT_TRUE(s.refill(4).empty());
  s.seeder.remove_peer(0);
  EXPECT_EQ(s.refill(4).size(), 2u);  // peer 0's two pieces
  EXPECT_TRUE(s.refill(5).empty());
  s.now += 61s;
  s.seeder.expire(s.now, 60s);
  EXPECT_EQ(s.seeder.open_offers(1), 0u);
  EXPECT_EQ(s.refill(5).size(), 2u);
}

// The property a seed leaving after one copy relies on: until every piece is on some peer, the seed reveals
// (and so uploads) each piece once.
TEST(SuperSeeder, FirstCopyHasNoDuplicates) {
  swarm s;
  int uploads = 0;
  std::vector<std::vector<int>> open(4);
  auto all_out = [&] {
    for (int i = 0; i < pieces; ++i)
      if (s.picker.availability(i) == 0) return false;
    return true;
  };
  for (int round = 0; round < 100 && !all_out(); ++round) {
    for (int p = 0; p < 4; ++p) {
      for (int piece : s.refill(p)) open[static_cast<std::size_t>(p)].push_back(piece);
      auto& mine = open[static_cast<std::size_t>(p)];
      if (mine.empty()) continue;
      ++uploads;  // the peer fetches its oldest offer from the seed this round
      s.got(p, mine.front());
      mine.erase(mine.begin());
    }
  }
  EXPECT_TRUE(all_out());
  EXPECT_EQ(uploads, pieces);
}

// aria2 never says `have` to a peer that has the piece: the whole piece having been sent closes the offer, and
// the piece counts as out (never offered to a second peer as if nobody had it).
TEST(SuperSeeder, APieceSentWholeClosesTheOfferWithoutAHave) {
  swarm s;
  auto first = s.refill(0);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_FALSE(s.seeder.on_sent(0, first[0], 8192, 16384));
  EXPECT_FALSE(s.seeder.on_sent(1, first[0], 16384, 16384));  // not offered to peer 1: nothing happens
  EXPECT_TRUE(s.seeder.on_sent(0, first[0], 8192, 16384));
  EXPECT_EQ(s.seeder.open_offers(0), 1u);
  auto next = s.refill(0);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0], first[0]);
  // Other peers get the remaining unseen pieces, never the delivered one.
  for (int p = 1; p < 4; ++p)
    for (int piece : s.refill(p)) EXPECT_NE(piece, first[0]) << "peer " << p;
}
