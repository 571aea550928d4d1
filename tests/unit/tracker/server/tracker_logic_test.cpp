#include <gtest/gtest.h>

#include "shoal/tracker/server/tracker_logic.hpp"

#include "immediate_calls.hpp"

using namespace shoal;
using namespace shoal::tracker;
using namespace shoal::tracker::testing;

namespace {
announce_request query(std::uint8_t torrent, std::uint8_t peer, std::int64_t left) {
  announce_request q;
  q.info_hash.bytes.fill(torrent);
  q.peer_id.fill(peer);
  q.port = static_cast<std::uint16_t>(1000 + peer);
  q.left = left;
  return q;
}
}  // namespace

TEST(TrackerLogic, ClampsNumwantAndCountsTheAsker) {
  auto store = make_immediate_store(make_memory_swarm_store());
  tracker_config config;
  config.max_numwant = 2;
  config.default_numwant = 1;
  tracker_logic logic(config, *store);
  std::vector<swarm_peer> peers;
  peer_origin from{{10, 0, 0, 1}, false};
  for (std::uint8_t p = 1; p <= 4; ++p) announce_now(logic, query(7, p, 5), from, 1, peers);
  auto q = query(7, 9, 0);
  q.numwant = 50;
  auto out = announce_now(logic, q, from, 1, peers);
  EXPECT_TRUE(out.refusal.empty());
  EXPECT_EQ(peers.size(), 2u) << "capped by max_numwant";
  EXPECT_EQ(out.head.counts.complete, 1) << "the asker is counted";
  EXPECT_EQ(out.head.counts.incomplete, 4);
  EXPECT_EQ(out.head.interval, config.interval);
  q.numwant = -1;
  announce_now(logic, q, from, 1, peers);
  EXPECT_EQ(peers.size(), 1u) << "default numwant when absent";
  EXPECT_EQ(logic.announces(), 6u);
}

TEST(TrackerLogic, RefusesBeforeRecording) {
  auto store = make_immediate_store(make_memory_swarm_store());
  tracker_logic logic({}, *store);
  auto list = info_hash_list::parse(std::string(40, '0') + "1\n", "wl");
  ASSERT_FALSE(list);  // 41 digits
  list = info_hash_list::parse(std::string(40, 'a') + "\n", "wl");
  ASSERT_TRUE(list);
  logic.set_filter(std::make_shared<const info_hash_list>(*list), list_mode::whitelist);
  std::vector<swarm_peer> peers;
  auto out = announce_now(logic, query(0xbb, 1, 0), {}, 1, peers);
  EXPECT_EQ(out.refusal, "info_hash not in whitelist");
  EXPECT_EQ(totals_now(*store).peers, 0u);
  std::vector<scrape_file> files;
  shoal::sha1_digest bad;
  bad.bytes.fill(0xbb);
  EXPECT_EQ(scrape_now(logic, {&bad, 1}, files), "info_hash not in whitelist");
  EXPECT_TRUE(files.empty());
  EXPECT_TRUE(announce_now(logic, query(0xaa, 1, 0), {}, 1, peers).refusal.empty());
  EXPECT_EQ(totals_now(*store).peers, 1u);
}

TEST(TrackerLogic, AnUnreachableStoreIsARefusalNotAnError) {
  unreachable_store store;
  tracker_logic logic({}, store);
  std::vector<swarm_peer> peers{swarm_peer{}};
  auto out = announce_now(logic, query(1, 1, 0), {}, 1, peers);
  EXPECT_EQ(out.refusal, store_unavailable_reason);
  EXPECT_TRUE(peers.empty());
  std::vector<scrape_file> files;
  shoal::sha1_digest h;
  EXPECT_EQ(scrape_now(logic, {&h, 1}, files), store_unavailable_reason);
  EXPECT_EQ(scrape_now(logic, {}, files), store_unavailable_reason);
}

TEST(TrackerLogic, StoreTimeIsTheClockOriginPlusNow) {
  auto store = make_immediate_store(make_memory_swarm_store());
  tracker_logic logic({}, *store, 1'700'000'000);
  EXPECT_EQ(logic.store_time(5), 1'700'000'005u);
  std::vector<swarm_peer> peers;
  announce_now(logic, query(1, 1, 0), {}, 5, peers);
  // Expiry runs on the store's clock: a cutoff just past the announce removes it.
  std::size_t removed = 0;
  store->expire(1'700'000'005, [&](const store_status&, std::size_t n) { removed = n; });
  EXPECT_EQ(removed, 0u);
  store->expire(1'700'000'006, [&](const store_status&, std::size_t n) { removed = n; });
  EXPECT_EQ(removed, 1u);
}
