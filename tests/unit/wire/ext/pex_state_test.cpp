#include "shoal/wire/ext/pex_state.hpp"

#include <gtest/gtest.h>

using namespace shoal;
using namespace shoal::wire::ext;
using namespace std::chrono_literals;

namespace {
peer_address v4(std::uint8_t last, std::uint16_t port) {
  peer_address a;
  a.ip = {127, 0, 0, last};
  a.port = port;
  return a;
}
pex_peer peer(std::uint8_t last, std::uint16_t port, std::uint8_t flags = 0) { return {v4(last, port), flags}; }
const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
}  // namespace

TEST(PexState, FirstMessageWaitsForTheSwarmToSettleThenNamesEveryoneButTheNeighbour) {
  pex_state s(t0);
  std::vector<pex_peer> set{peer(1, 6881, pex_flag::seed | pex_flag::reachable), peer(2, 6882), peer(3, 6883)};
  EXPECT_FALSE(s.poll(t0 + 1s, set, v4(2, 6882)));
  auto m = s.poll(t0 + 3s, set, v4(2, 6882));
  ASSERT_TRUE(m);
  ASSERT_EQ(m->added.size(), 2u);
  EXPECT_EQ(m->added[0], set[0]);  // flags kept
  EXPECT_EQ(m->added[1], set[2]);
  EXPECT_TRUE(m->dropped.empty());
}

TEST(PexState, NothingToSayWaitsButTheFirstMessageGoesByTheDeadline) {
  pex_state s(t0);
  std::vector<pex_peer> none;
  EXPECT_FALSE(s.poll(t0 + 3s, none, std::nullopt));
  EXPECT_FALSE(s.poll(t0 + 10s, none, std::nullopt));
  // A peer arriving meanwhile goes out at once: nothing was sent yet.
  pex_state early(t0);
  EXPECT_FALSE(early.poll(t0 + 3s, none, std::nullopt));
  auto m = early.poll(t0 + 5s, {peer(4, 7000)}, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->added.size(), 1u);
  // Empty, at the deadline: the neighbour hears from us within 30 s.
  auto empty = s.poll(t0 + 25s, none, std::nullopt);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->added.empty() && empty->dropped.empty());
  EXPECT_TRUE(s.sent_any());
}

TEST(PexState, AtMostOneMessageAMinuteWithAddedAndDroppedDiffs) {
  pex_state s(t0);
  ASSERT_TRUE(s.poll(t0 + 3s, {peer(1, 1), peer(2, 2)}, std::nullopt));
  EXPECT_FALSE(s.poll(t0 + 30s, {peer(2, 2), peer(3, 3)}, std::nullopt));  // within the minute
  auto m = s.poll(t0 + 63s, {peer(2, 2), peer(3, 3)}, std::nullopt);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->added.size(), 1u);
  EXPECT_EQ(m->added[0].address, v4(3, 3));
  ASSERT_EQ(m->dropped.size(), 1u);
  EXPECT_EQ(m->dropped[0], v4(1, 1));
  // Unchanged set: nothing to say, nothing sent.
  EXPECT_FALSE(s.poll(t0 + 200s, {peer(2, 2), peer(3, 3)}, std::nullopt));
}

TEST(PexState, LaterMessagesAreCappedAtFiftyAndTheRestIsOwed) {
  pex_state s(t0);
  ASSERT_TRUE(s.poll(t0 + 25s, {}, std::nullopt));
  std::vector<pex_peer> many;
  for (int i = 0; i < 120; ++i) many.push_back(peer(static_cast<std::uint8_t>(i), static_cast<std::uint16_t>(1000 + i)));
  auto m = s.poll(t0 + 85s, many, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->added.size(), 50u);
  auto m2 = s.poll(t0 + 145s, many, std::nullopt);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->added.size(), 50u);
  EXPECT_NE(m2->added[0], m->added[0]);
  // All gone: at most 50 dropped per message.
  auto m3 = s.poll(t0 + 205s, {}, std::nullopt);
  ASSERT_TRUE(m3);
  EXPECT_EQ(m3->added.size(), 0u);
  EXPECT_EQ(m3->dropped.size(), 50u);
}

TEST(PexState, PortZeroAndDuplicatesAreNeverSent) {
  pex_state s(t0);
  auto m = s.poll(t0 + 3s, {peer(1, 0), peer(2, 5), peer(2, 5)}, std::nullopt);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->added.size(), 1u);
  EXPECT_EQ(m->added[0].address, v4(2, 5));
}
