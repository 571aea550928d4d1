#include "shoal/dht/lookup.hpp"

#include <gtest/gtest.h>

#include <map>

#include "shoal/dht/routing_table.hpp"

namespace shoal::dht {
namespace {

// A simulated network of nodes with random ids; each answers with the K closest it knows (all of them
// know everyone), so a lookup must converge on the true K closest to the target.
TEST(Lookup, ConvergesOnTheTrueClosestWithAlphaInFlight) {
  std::mt19937_64 rng(11);
  std::vector<node_info> net;
  for (int i = 0; i < 200; ++i)
    net.push_back({random_node_id(rng), *peer_address::parse("127.0.0.1:" + std::to_string(10000 + i))});
  const node_id target = random_node_id(rng);
  auto closest_of = [&](const node_id& t, std::size_t n) {
    auto v = net;
    std::sort(v.begin(), v.end(), [&](auto& a, auto& b) { return closer_to(t, a.id, b.id); });
    v.resize(n);
    return v;
  };
  lookup l(target);
  l.add_candidates({net[0], net[1], net[2], net[3]});
  int rounds = 0;
  while (!l.done() && rounds < 100) {
    auto batch = l.next();
    EXPECT_LE(l.in_flight(), 3u);
    ASSERT_FALSE(batch.empty());
    for (const auto& n : batch) {
      // Each node answers with the 8 closest to the target among a random half of the network it knows.
      std::vector<node_info> known;
      for (const auto& m : net)
        if ((m.id.bytes[5] ^ n.id.bytes[5]) & 1) known.push_back(m);
      std::sort(known.begin(), known.end(), [&](auto& a, auto& b) { return closer_to(target, a.id, b.id); });
      known.resize(std::min<std::size_t>(8, known.size()));
      l.on_reply(n.address, n.id, std::string("tok"));
      l.add_candidates(known, &n.address);
    }
    ++rounds;
  }
  ASSERT_TRUE(l.done());
  const auto want = closest_of(target, 8);
  const auto got = l.closest_replied();
  ASSERT_EQ(got.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(got[i].node.id, want[i].id);
  EXPECT_EQ(got[0].token, "tok");
  EXPECT_LT(l.queries(), 60u);
  EXPECT_EQ(l.replies(), l.queries());
  EXPECT_GE(l.round_trips(), 1u);
  EXPECT_LE(l.round_trips(), l.queries());
}

// Round trips follow the chain of who named whom: a node named by a round-2 node is asked in round 3, and a node
// we knew from the start stays in round 1 when a reply names it again.
TEST(Lookup, RoundTripsCountTheLongestChainOfReplies) {
  std::mt19937_64 rng(5);
  const node_id target = random_node_id(rng);
  std::vector<node_info> n;
  for (int i = 0; i < 4; ++i)
    n.push_back({random_node_id(rng), *peer_address::parse("127.0.0.1:" + std::to_string(3000 + i))});
  lookup l(target, lookup_limits{.alpha = 1});
  EXPECT_EQ(l.round_trips(), 0u);
  l.add_candidates({n[0], n[3]});
  auto ask = [&](std::size_t want_round) {
    auto batch = l.next();
    EXPECT_EQ(batch.size(), 1u);
    if (batch.empty()) return node_info{};
    EXPECT_EQ(l.round_trips(), want_round) << batch[0].address.to_string();
    return batch[0];
  };
  // Whichever of n0 and n3 is asked first, replies chain: first -> n1 -> n2 (and name n3 again: still round 1).
  auto first = ask(1);
  l.on_reply(first.address, first.id, std::nullopt);
  l.add_candidates({n[1], n[3], n[0]}, &first.address);
  std::size_t deepest = 1;
  while (!l.done()) {
    auto batch = l.next();
    if (batch.empty()) break;
    const auto& q = batch[0];
    l.on_reply(q.address, q.id, std::nullopt);
    deepest = l.round_trips();
    if (q.address == n[1].address) l.add_candidates({n[2], n[3]}, &q.address);
  }
  EXPECT_EQ(deepest, 3u);  // n1 in round 2, n2 in round 3; n3 never deeper than 1
  EXPECT_EQ(l.queries(), 4u);
  EXPECT_EQ(l.replies(), 4u);
}

TEST(Lookup, TimeoutsAreSkippedAndItEnds) {
  std::mt19937_64 rng(2);
  lookup l(random_node_id(rng));
  std::vector<node_info> nodes;
  for (int i = 0; i < 5; ++i)
    nodes.push_back({random_node_id(rng), *peer_address::parse("127.0.0.1:" + std::to_string(2000 + i))});
  l.add_candidates(nodes);
  while (!l.done()) {
    auto batch = l.next();
    ASSERT_FALSE(batch.empty());
    for (auto& n : batch) l.on_failure(n.address);
  }
  EXPECT_EQ(l.queries(), 5u);
  EXPECT_TRUE(l.closest_replied().empty());
}

TEST(Lookup, BogusNodesCannotMakeItEndless) {
  std::mt19937_64 rng(3);
  lookup l(random_node_id(rng), lookup_limits{.max_queries = 50});
  l.add_candidates({{random_node_id(rng), *peer_address::parse("127.0.0.1:1")}});
  std::uint16_t port = 2;
  for (int i = 0; i < 1000 && !l.done(); ++i) {
    for (auto& n : l.next()) {
      l.on_reply(n.address, n.id, std::nullopt);
      std::vector<node_info> bogus;
      for (int j = 0; j < 8; ++j) bogus.push_back({random_node_id(rng), *peer_address::parse("127.0.0.1:" + std::to_string(port++))});
      l.add_candidates(bogus);
    }
  }
  EXPECT_TRUE(l.done());
  EXPECT_LE(l.queries(), 50u);
}

}  // namespace
}  // namespace shoal::dht
