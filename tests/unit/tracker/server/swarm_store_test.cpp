#include <gtest/gtest.h>

#include <malloc.h>

#include <cstring>
#include <iostream>

#include "shoal/tracker/server/swarm_store.hpp"
#include "store_test_data.hpp"

using namespace shoal;
using namespace shoal::tracker;
using namespace shoal::tracker::testing;

TEST(SwarmStore, NeverSelfAndCounts) {
  auto store = make_memory_swarm_store(4);
  std::vector<swarm_peer> out;
  auto c = store->announce(announce_of(1, 1, false), 50, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(c.incomplete, 1);
  store->announce(announce_of(1, 2, false), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, peer(1));
  EXPECT_EQ(out[0].port, 6001);
  c = store->announce(announce_of(1, 3, true), 50, out);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 2);
  for (const auto& p : out) EXPECT_NE(p.id, peer(3));
  auto t = store->totals();
  EXPECT_EQ(t.torrents, 1u);
  EXPECT_EQ(t.peers, 3u);
  EXPECT_EQ(t.seeders, 1u);
}

TEST(SwarmStore, SeederGetsOnlyLeechers) {
  auto store = make_memory_swarm_store();
  std::vector<swarm_peer> out;
  for (int i = 0; i < 10; ++i) store->announce(announce_of(1, i, i % 2 == 0), 0, out);
  store->announce(announce_of(1, 100, true), 50, out);
  ASSERT_EQ(out.size(), 5u);
  for (const auto& p : out) EXPECT_EQ((p.port - 6000) % 2, 1) << "seeder got a seeder";
  store->announce(announce_of(1, 101, false), 50, out);
  EXPECT_EQ(out.size(), 11u);  // a leecher gets everyone else
}

// Sampling (numwant bounds, distinct, varies, never self) is in store_conformance_test.cpp, run on every store.

TEST(SwarmStore, EventsStoppedCompletedAndReannounce) {
  auto store = make_memory_swarm_store();
  std::vector<swarm_peer> out;
  store->announce(announce_of(3, 1, false, 0, announce_event::started), 50, out);
  store->announce(announce_of(3, 2, false, 0, announce_event::started), 50, out);
  auto c = store->announce(announce_of(3, 1, true, 5, announce_event::completed), 50, out);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 1);
  EXPECT_EQ(c.downloaded, 1);
  // A re-announce updates the address and port instead of adding a peer.
  auto moved = announce_of(3, 2, false, 6);
  moved.port = 7777;
  moved.ip = {192, 0, 2, 1};
  c = store->announce(moved, 50, out);
  EXPECT_EQ(c.complete + c.incomplete, 2);
  store->announce(announce_of(3, 1, true, 6), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].port, 7777);
  EXPECT_EQ(out[0].ip[0], 192);
  c = store->announce(announce_of(3, 1, true, 7, announce_event::stopped), 50, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(c.complete, 0);
  EXPECT_EQ(c.incomplete, 1);
  store->announce(announce_of(3, 2, false, 7, announce_event::stopped), 50, out);
  EXPECT_EQ(store->totals().torrents, 0u);
  EXPECT_EQ(store->totals().peers, 0u);
}

TEST(SwarmStore, ExpiryRemovesSilentPeersAndEmptyTorrents) {
  auto store = make_memory_swarm_store(2);
  std::vector<swarm_peer> out;
  for (int i = 0; i < 50; ++i) store->announce(announce_of(i % 5, i, i % 3 == 0, 10), 0, out);
  for (int i = 0; i < 50; i += 5) store->announce(announce_of(0, i, i % 3 == 0, 100), 0, out);
  EXPECT_EQ(store->totals().peers, 50u);
  EXPECT_EQ(store->expire(50), 40u);
  auto t = store->totals();
  EXPECT_EQ(t.torrents, 1u);
  EXPECT_EQ(t.peers, 10u);
  EXPECT_EQ(t.seeders, 4u);  // 0, 15, 30, 45
  store->announce(announce_of(0, 999, false, 100), 50, out);
  EXPECT_EQ(out.size(), 10u);
  EXPECT_EQ(store->expire(1000), 11u);
  EXPECT_EQ(store->totals().torrents, 0u);
}

TEST(SwarmStore, Scrape) {
  auto store = make_memory_swarm_store();
  std::vector<swarm_peer> out;
  store->announce(announce_of(7, 1, true), 0, out);
  store->announce(announce_of(7, 2, false), 0, out);
  store->announce(announce_of(8, 3, false, 0, announce_event::completed), 0, out);
  auto c = store->scrape(torrent_hash(7));
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 1);
  c = store->scrape(torrent_hash(9));
  EXPECT_EQ(c.complete + c.incomplete + c.downloaded, 0);
  std::vector<scrape_file> all;
  store->scrape_all(all);
  ASSERT_EQ(all.size(), 2u);
}

TEST(SwarmStore, APeerMovingBetweenFamiliesStaysOnePeer) {
  auto store = make_memory_swarm_store();
  std::vector<swarm_peer> out;
  store->announce(announce_of(4, 1, false), 0, out);
  auto v6 = announce_of(4, 1, true);
  v6.v6 = true;
  v6.ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  auto c = store->announce(v6, 0, out);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 0);
  EXPECT_EQ(store->totals().peers, 1u);
  store->announce(announce_of(4, 2, false), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].v6);
  EXPECT_EQ(out[0].ip, v6.ip);
}

// The budget (48 bytes a live peer at ten peers a torrent), counted in malloc's
// own bytes in use, and all of it handed back once the peers expired.
TEST(SwarmStore, TenPeersATorrentFitTheBudgetAndExpiryGivesItBack) {
  auto store = make_memory_swarm_store(4);
  std::vector<swarm_peer> out;
  out.reserve(64);
  constexpr int peers = 100000;
  constexpr int torrents = 10000;
  auto before = mallinfo2().uordblks;
  for (int p = 0; p < peers; ++p) {
    auto a = announce_of(0, p, p % 4 == 0, 10);
    a.info_hash.bytes.fill(0);
    int t = p % torrents;
    std::memcpy(a.info_hash.bytes.data() + 4, &t, sizeof t);
    store->announce(a, 10, out);
  }
  auto loaded = mallinfo2().uordblks;
  if (loaded <= before) GTEST_SKIP() << "malloc statistics unavailable (sanitizer build)";
  EXPECT_EQ(store->totals().torrents, static_cast<std::uint64_t>(torrents));
  double per_peer = double(loaded - before) / peers;
  EXPECT_LE(per_peer, 48.0);
  EXPECT_EQ(store->expire(11), static_cast<std::size_t>(peers));
  EXPECT_EQ(store->totals().torrents, 0u);
  auto after = mallinfo2().uordblks;
  // Slack for chunks glibc's per-thread cache holds (counted as in use).
  EXPECT_LE(after, before + (loaded - before) / 100) << "kept " << after - before << " bytes";
  std::cout << "store: " << per_peer << " bytes in use per live peer\n";
}
