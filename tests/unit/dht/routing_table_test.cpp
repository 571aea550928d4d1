#include "shoal/dht/routing_table.hpp"

#include <gtest/gtest.h>

namespace shoal::dht {
namespace {

using namespace std::chrono_literals;

node_id id_with_first_byte(std::uint8_t b, std::uint8_t last = 0) {
  node_id id;
  id.bytes[0] = b;
  id.bytes[19] = last;
  return id;
}

node_info node(const node_id& id, std::uint16_t port) {
  return {id, *peer_address::parse("127.0.0.1:" + std::to_string(port))};
}

TEST(NodeId, XorDistanceAndPrefix) {
  node_id a = id_with_first_byte(0x80), b = id_with_first_byte(0x00);
  EXPECT_EQ(common_prefix_bits(a, b), 0u);
  EXPECT_EQ(common_prefix_bits(a, a), 160u);
  EXPECT_EQ(common_prefix_bits(id_with_first_byte(0x01), b), 7u);
  EXPECT_EQ(xor_distance(a, b).bytes[0], 0x80);
  EXPECT_TRUE(closer_to(b, id_with_first_byte(0x01), a));
  EXPECT_FALSE(closer_to(b, a, a));
}

TEST(NodeId, RandomIdInBucketSharesExactlyThePrefix) {
  std::mt19937_64 rng(7);
  const node_id base = random_node_id(rng);
  for (std::size_t bits : {0u, 1u, 7u, 8u, 9u, 100u, 159u}) {
    EXPECT_EQ(common_prefix_bits(base, random_id_in_bucket(base, bits, rng)), bits);
  }
}

TEST(RoutingTable, FarBucketHoldsKAndKeepsGoodNodes) {
  const node_id self{};  // all zero: ids with the top bit set are in the far bucket
  routing_table t(self);
  const auto now = dht_clock::now();
  // The first bucket splits once when full, moving nodes near us; use far ids only (top bit set).
  for (int i = 0; i < 20; ++i) t.heard_from(node(id_with_first_byte(0x80, static_cast<std::uint8_t>(i)), 7000 + i), now, true);
  EXPECT_EQ(t.size(), bucket_size);
  // The first K stay (good nodes are never evicted for newcomers).
  EXPECT_TRUE(t.find(id_with_first_byte(0x80, 0)).has_value());
  EXPECT_FALSE(t.find(id_with_first_byte(0x80, 19)).has_value());
}

TEST(RoutingTable, SplitsOurOwnRange) {
  const node_id self{};
  routing_table t(self);
  const auto now = dht_clock::now();
  for (int i = 0; i < 8; ++i) t.heard_from(node(id_with_first_byte(0x80, static_cast<std::uint8_t>(i)), 7000 + i), now, true);
  for (int i = 0; i < 8; ++i) t.heard_from(node(id_with_first_byte(0x40, static_cast<std::uint8_t>(i)), 8000 + i), now, true);
  for (int i = 0; i < 8; ++i) t.heard_from(node(id_with_first_byte(0x01, static_cast<std::uint8_t>(i)), 9000 + i), now, true);
  EXPECT_EQ(t.size(), 24u);
  EXPECT_GE(t.bucket_count(), 3u);
  EXPECT_FALSE(t.heard_from(node(self, 1), now, true)) << "our own id is never added";
}

TEST(RoutingTable, GoodQuestionableBad) {
  routing_table t(node_id{});
  const auto now = dht_clock::now();
  const auto n = node(id_with_first_byte(0x80), 7000);
  t.heard_from(n, now, true);
  EXPECT_EQ(t.status(*t.find(n.id), now), node_status::good);
  EXPECT_EQ(t.status(*t.find(n.id), now + 16min), node_status::questionable);
  EXPECT_EQ(t.to_ping(now + 16min, 10).size(), 1u);
  t.failed(n.address);
  t.failed(n.address);
  EXPECT_EQ(t.status(*t.find(n.id), now), node_status::bad);
  EXPECT_TRUE(t.closest(node_id{}, 8, now).empty()) << "bad nodes are never handed out";
  // A node we only heard of enters questionable.
  const auto h = node(id_with_first_byte(0x81), 7001);
  t.heard_from(h, now, false);
  EXPECT_EQ(t.status(*t.find(h.id), now), node_status::questionable);
}

TEST(RoutingTable, BadNodeReplacedByNewcomer) {
  routing_table t(node_id{});
  const auto now = dht_clock::now();
  for (int i = 0; i < 8; ++i) t.heard_from(node(id_with_first_byte(0x80, static_cast<std::uint8_t>(i)), 7000 + i), now, true);
  // Split happened once: re-fill the far bucket to K.
  for (int i = 8; i < 16; ++i) t.heard_from(node(id_with_first_byte(0x80, static_cast<std::uint8_t>(i)), 7000 + i), now, true);
  const auto victim = node(id_with_first_byte(0x80, 3), 7003);
  ASSERT_TRUE(t.find(victim.id));
  const auto fresh = node(id_with_first_byte(0x80, 99), 7099);
  EXPECT_FALSE(t.heard_from(fresh, now, true)) << "full of good nodes: goes to the replacement cache";
  t.failed(victim.address);
  t.failed(victim.address);
  EXPECT_FALSE(t.find(victim.id)) << "bad node dropped for its replacement";
  EXPECT_TRUE(t.find(fresh.id));
}

TEST(RoutingTable, SameIpManyNodesAndLoopbackAccepted) {
  routing_table t(node_id{});
  const auto now = dht_clock::now();
  EXPECT_TRUE(t.heard_from(node(id_with_first_byte(0x80, 1), 7001), now, true));
  EXPECT_TRUE(t.heard_from(node(id_with_first_byte(0x40, 2), 7002), now, true));
  EXPECT_EQ(t.size(), 2u);
}

TEST(RoutingTable, BoundedUnderManyIds) {
  std::mt19937_64 rng(1);
  routing_table t(random_node_id(rng), routing_limits{.max_nodes = 100});
  const auto now = dht_clock::now();
  for (int i = 0; i < 5000; ++i) t.heard_from(node(random_node_id(rng), static_cast<std::uint16_t>(1000 + i)), now, true);
  EXPECT_LE(t.size(), 100u);
  EXPECT_GT(t.size(), 20u);
}

TEST(RoutingTable, ClosestSortedByDistance) {
  routing_table t(node_id{});
  const auto now = dht_clock::now();
  for (int i = 1; i <= 6; ++i) t.heard_from(node(id_with_first_byte(static_cast<std::uint8_t>(i * 16)), 7000 + i), now, true);
  const auto c = t.closest(id_with_first_byte(0x30), 3, now);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].id, id_with_first_byte(0x30));
  EXPECT_TRUE(closer_to(id_with_first_byte(0x30), c[1].id, c[2].id));
}

TEST(RoutingTable, RefreshTargetsOncePerInterval) {
  std::mt19937_64 rng(3);
  routing_table t(node_id{});
  const auto now = dht_clock::now();
  t.heard_from(node(id_with_first_byte(0x80), 7000), now, true);
  EXPECT_TRUE(t.refresh_targets(now, 900s, rng).empty());
  EXPECT_EQ(t.refresh_targets(now + 901s, 900s, rng).size(), t.bucket_count());
  EXPECT_TRUE(t.refresh_targets(now + 902s, 900s, rng).empty());
}

}  // namespace
}  // namespace shoal::dht
