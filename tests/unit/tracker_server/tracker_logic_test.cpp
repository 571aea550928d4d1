#include <gtest/gtest.h>

#include "shoal/tracker/server/tracker_logic.hpp"

using namespace shoal::tracker;

namespace {
announce_query query(std::uint8_t torrent, std::uint8_t peer, std::int64_t left) {
  announce_query q;
  q.info_hash.bytes.fill(torrent);
  q.peer_id.fill(peer);
  q.port = static_cast<std::uint16_t>(1000 + peer);
  q.left = left;
  return q;
}
}  // namespace

TEST(TrackerLogic, ClampsNumwantAndCountsTheAsker) {
  auto store = make_memory_swarm_store();
  tracker_config config;
  config.max_numwant = 2;
  config.default_numwant = 1;
  tracker_logic logic(config, *store);
  std::vector<swarm_peer> peers;
  peer_origin from{{10, 0, 0, 1}, false};
  for (std::uint8_t p = 1; p <= 4; ++p) logic.announce(query(7, p, 5), from, 1, peers);
  auto q = query(7, 9, 0);
  q.numwant = 50;
  auto out = logic.announce(q, from, 1, peers);
  EXPECT_TRUE(out.refusal.empty());
  EXPECT_EQ(peers.size(), 2u) << "capped by max_numwant";
  EXPECT_EQ(out.head.counts.complete, 1) << "the asker is counted";
  EXPECT_EQ(out.head.counts.incomplete, 4);
  EXPECT_EQ(out.head.interval, config.interval);
  q.numwant = -1;
  logic.announce(q, from, 1, peers);
  EXPECT_EQ(peers.size(), 1u) << "default numwant when absent";
  EXPECT_EQ(logic.announces(), 6u);
}

TEST(TrackerLogic, RefusesBeforeRecording) {
  auto store = make_memory_swarm_store();
  tracker_logic logic({}, *store);
  auto list = info_hash_list::parse(std::string(40, '0') + "1\n", "wl");
  ASSERT_FALSE(list);  // 41 digits
  list = info_hash_list::parse(std::string(40, 'a') + "\n", "wl");
  ASSERT_TRUE(list);
  logic.set_filter(std::make_shared<const info_hash_list>(*list), list_mode::whitelist);
  std::vector<swarm_peer> peers;
  auto out = logic.announce(query(0xbb, 1, 0), {}, 1, peers);
  EXPECT_EQ(out.refusal, "info_hash not in whitelist");
  EXPECT_EQ(store->totals().peers, 0u);
  std::vector<scrape_file> files;
  shoal::sha1_digest bad;
  bad.bytes.fill(0xbb);
  EXPECT_EQ(logic.scrape({&bad, 1}, files), "info_hash not in whitelist");
  EXPECT_TRUE(files.empty());
  EXPECT_TRUE(logic.announce(query(0xaa, 1, 0), {}, 1, peers).refusal.empty());
  EXPECT_EQ(store->totals().peers, 1u);
}
