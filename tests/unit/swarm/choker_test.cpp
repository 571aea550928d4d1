#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "shoal/swarm/choker.hpp"

using namespace shoal::swarm;
using namespace std::chrono_literals;

namespace {

choke_candidate peer(std::uint64_t id, std::uint64_t down, std::uint64_t up = 0, bool interested = true) {
  choke_candidate c;
  c.id = id;
  c.interested = interested;
  c.download_rate = down;
  c.upload_rate = up;
  return c;
}

std::set<std::uint64_t> regular(const choke_decision& d) {
  std::set<std::uint64_t> out(d.unchoke.begin(), d.unchoke.end());
  if (d.optimistic) out.erase(*d.optimistic);
  return out;
}

// Applies a decision to the snapshot the way the engine would: unchoked flags and choked_for clocks.
void apply(std::vector<choke_candidate>& peers, const choke_decision& d, choke_clock::duration elapsed) {
  for (auto& p : peers) {
    const bool un = std::find(d.unchoke.begin(), d.unchoke.end(), p.id) != d.unchoke.end();
    p.choked_for = un ? 0s : (p.unchoked ? elapsed : p.choked_for + elapsed);
    p.unchoked = un;
  }
}

const choke_clock::time_point t0 = choke_clock::time_point{} + 1000s;

}  // namespace

TEST(Choker, LeechUnchokesFastestUploadersToUs) {
  choker c({choke_mode::leech, 2}, 1);
  std::vector<choke_candidate> peers = {peer(1, 100), peer(2, 500), peer(3, 300), peer(4, 50)};
  const auto& d = c.run(peers, t0);
  EXPECT_EQ(regular(d), (std::set<std::uint64_t>{2, 3}));
  ASSERT_TRUE(d.optimistic);
  EXPECT_TRUE(*d.optimistic == 1 || *d.optimistic == 4);
  EXPECT_EQ(d.unchoke.size(), 3u);
}

TEST(Choker, SeedUnchokesPeersWeUploadFastestTo) {
  choker c({choke_mode::seed, 2}, 1);
  // Download rates point the other way: in seed mode they must not matter.
  std::vector<choke_candidate> peers = {peer(1, 900, 10), peer(2, 0, 700), peer(3, 0, 400), peer(4, 800, 20)};
  EXPECT_EQ(regular(c.run(peers, t0)), (std::set<std::uint64_t>{2, 3}));
  c.set_mode(choke_mode::leech);
  EXPECT_EQ(regular(c.run(peers, t0 + 10s)), (std::set<std::uint64_t>{1, 4}));
}

TEST(Choker, OnlyInterestedNonSeedsAndSnubbedOnlyOptimistic) {
  choker c({choke_mode::leech, 4}, 1);
  std::vector<choke_candidate> peers = {peer(1, 900, 0, false), peer(2, 800), peer(3, 700), peer(4, 600)};
  peers[2].is_seed = true;
  peers[3].snubbed = true;
  const auto& d = c.run(peers, t0);
  EXPECT_EQ(regular(d), (std::set<std::uint64_t>{2}));
  EXPECT_EQ(d.optimistic, std::optional<std::uint64_t>(4));  // snubbed, but may still win the optimistic turn
  c.set_mode(choke_mode::seed);
  EXPECT_EQ(regular(c.run(peers, t0 + 10s)), (std::set<std::uint64_t>{2, 4}));
}

TEST(Choker, ZeroSlotsUnchokesNobody) {
  choker c({choke_mode::seed, 0}, 1);
  std::vector<choke_candidate> peers = {peer(1, 1, 1), peer(2, 2, 2)};
  const auto& d = c.run(peers, t0);
  EXPECT_TRUE(d.unchoke.empty());
  EXPECT_FALSE(d.optimistic);
}

TEST(Choker, FewerPeersThanSlots) {
  choker c({choke_mode::leech, 4}, 1);
  std::vector<choke_candidate> peers = {peer(1, 1), peer(2, 2)};
  const auto& d = c.run(peers, t0);
  EXPECT_EQ(regular(d), (std::set<std::uint64_t>{1, 2}));
  EXPECT_FALSE(d.optimistic);  // nobody left to try
}

TEST(Choker, RoundsAreDueEveryTenSeconds) {
  choker c({choke_mode::leech, 4}, 1);
  EXPECT_TRUE(c.due(t0));
  std::vector<choke_candidate> none;
  (void)c.run(none, t0);
  EXPECT_FALSE(c.due(t0 + 9s));
  EXPECT_TRUE(c.due(t0 + 10s));
}

TEST(Choker, TiesKeepTheUnchokedThenTheLongestWaiting) {
  choker c({choke_mode::leech, 1}, 1);
  std::vector<choke_candidate> peers = {peer(1, 100), peer(2, 100), peer(3, 100)};
  peers[0].choked_for = 50s;
  peers[1].choked_for = 90s;
  peers[2].unchoked = true;
  EXPECT_EQ(regular(c.run(peers, t0)), (std::set<std::uint64_t>{3}));
  peers[2].unchoked = false;
  peers[2].choked_for = 10s;
  EXPECT_EQ(regular(c.run(peers, t0 + 10s)), (std::set<std::uint64_t>{2}));
}

TEST(Choker, ExactTiesAreBrokenByTheSeededGenerator) {
  std::vector<choke_candidate> peers;
  for (std::uint64_t i = 0; i < 20; ++i) peers.push_back(peer(i, 100));
  std::set<std::set<std::uint64_t>> seen;
  for (std::uint32_t seed = 0; seed < 10; ++seed) {
    choker a({choke_mode::leech, 4}, seed), b({choke_mode::leech, 4}, seed);
    const auto ra = regular(a.run(peers, t0));
    EXPECT_EQ(ra, regular(b.run(peers, t0)));  // same seed, same answer
    seen.insert(ra);
  }
  EXPECT_GT(seen.size(), 1u);  // not always the first four in connection order
}

TEST(Choker, OptimisticRotatesEveryThirtySecondsAndEveryoneGetsATurn) {
  choker c({choke_mode::leech, 2}, 7);
  std::vector<choke_candidate> peers = {peer(1, 1000), peer(2, 900)};
  for (std::uint64_t i = 3; i <= 10; ++i) peers.push_back(peer(i, 0));
  std::vector<std::uint64_t> turns;  // optimistic holder at each rotation
  std::map<std::uint64_t, int> turns_per_peer;
  std::optional<std::uint64_t> current;
  auto now = t0;
  for (int round = 0; round < 8 * 3; ++round, now += 10s) {
    const auto d = c.run(peers, now);
    EXPECT_EQ(regular(d), (std::set<std::uint64_t>{1, 2}));
    ASSERT_TRUE(d.optimistic);
    if (round % 3 == 0) {
      EXPECT_NE(d.optimistic, current) << "round " << round;  // a new turn every 30 s
      turns.push_back(*d.optimistic);
      ++turns_per_peer[*d.optimistic];
    } else {
      EXPECT_EQ(d.optimistic, current) << "round " << round;  // held for the whole 30 s
    }
    current = d.optimistic;
    apply(peers, d, 10s);
  }
  // Eight choked interested peers, eight turns: each had exactly one.
  EXPECT_EQ(turns_per_peer.size(), 8u);
  for (const auto& [id, n] : turns_per_peer) EXPECT_EQ(n, 1) << id;
}

TEST(Choker, OptimisticReplacedWhenItLeavesOrLosesInterestOrTurnsRegular) {
  choker c({choke_mode::leech, 1}, 3);
  std::vector<choke_candidate> peers = {peer(1, 1000), peer(2, 0), peer(3, 0)};
  auto d = c.run(peers, t0);
  ASSERT_TRUE(d.optimistic);
  const auto first = *d.optimistic;
  apply(peers, d, 10s);
  // It loses interest: a new optimistic at once, before 30 s.
  for (auto& p : peers)
    if (p.id == first) p.interested = false;
  d = c.run(peers, t0 + 10s);
  ASSERT_TRUE(d.optimistic);
  EXPECT_NE(*d.optimistic, first);
  const auto second = *d.optimistic;
  // It uploads to us faster than anyone: it takes the regular slot, and the optimistic turn moves on.
  for (auto& p : peers) {
    if (p.id == second) p.download_rate = 5000;
    if (p.id == first) p.interested = true;
  }
  d = c.run(peers, t0 + 20s);
  EXPECT_EQ(regular(d), (std::set<std::uint64_t>{second}));
  ASSERT_TRUE(d.optimistic);
  EXPECT_NE(*d.optimistic, second);
  // Disconnected: gone from the snapshot.
  std::vector<choke_candidate> rest;
  for (const auto& p : peers)
    if (p.id != *d.optimistic) rest.push_back(p);
  const auto gone = *d.optimistic;
  d = c.run(rest, t0 + 25s);
  ASSERT_TRUE(d.optimistic);
  EXPECT_NE(*d.optimistic, gone);
}

TEST(Choker, LongChokedPeerIsNotStarvedAmongFastOnes) {
  // Ten fast peers fill the slots every round; the slow one must still be unchoked within a few rotations.
  choker c({choke_mode::seed, 4}, 11);
  std::vector<choke_candidate> peers;
  for (std::uint64_t i = 1; i <= 6; ++i) peers.push_back(peer(i, 0, 10'000 * i));
  peers.push_back(peer(99, 0, 0));
  peers.back().choked_for = 300s;
  const auto d = c.run(peers, t0);
  EXPECT_EQ(d.optimistic, std::optional<std::uint64_t>(99));  // waited longest: next turn is its
}
