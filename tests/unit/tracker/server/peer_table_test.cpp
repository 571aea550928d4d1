#include "shoal/tracker/server/peer_table.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <set>

using namespace shoal;
using namespace shoal::tracker;

namespace {
constexpr std::uint64_t key = 0x1234567890abcdefull;

peer_id_bytes peer(int n) {
  peer_id_bytes id{};
  std::string s = "-SH0100-" + std::to_string(100000000 + n);
  std::copy(s.begin(), s.end(), id.begin());
  return id;
}

// Peer n: port 10000 + n % 50000, IPv4 10.x.y.z or IPv6 2001:db8::n.
peer_announce at(int n, bool seeder, std::uint32_t now, bool v6 = false) {
  peer_announce a;
  a.peer_id = peer(n);
  a.v6 = v6;
  if (v6) {
    a.ip = {0x20, 0x01, 0x0d, 0xb8};
    a.ip[12] = static_cast<std::uint8_t>(n >> 24);
    a.ip[13] = static_cast<std::uint8_t>(n >> 16);
    a.ip[14] = static_cast<std::uint8_t>(n >> 8);
    a.ip[15] = static_cast<std::uint8_t>(n);
  } else {
    a.ip = {10, static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
            static_cast<std::uint8_t>(n)};
  }
  a.port = static_cast<std::uint16_t>(10000 + n % 50000);
  a.seeder = seeder;
  a.now = now;
  return a;
}

int number_of(const swarm_peer& p) { return std::stoi(std::string(p.id.begin() + 8, p.id.end())) - 100000000; }

std::vector<swarm_peer> sample_all(const peer_table& t, peer_ref self, bool leechers_only,
                                   std::uint64_t random = 7) {
  std::vector<swarm_peer> out;
  t.sample(random, 1u << 30, self, leechers_only, out);
  return out;
}
}  // namespace

TEST(PeerTable, AddUpdateRemove) {
  peer_table t;
  EXPECT_TRUE(t.empty());
  auto r = t.upsert(at(1, false, 5), key);
  EXPECT_TRUE(r.inserted);
  EXPECT_FALSE(r.self.v6);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.seeders(), 0u);
  auto moved = at(1, true, 6);
  moved.port = 7777;
  r = t.upsert(moved, key);
  EXPECT_FALSE(r.inserted);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.seeders(), 1u);
  t.upsert(at(2, false, 6), key);
  auto out = sample_all(t, t.upsert(at(2, false, 6), key).self, false);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, peer(1));
  EXPECT_EQ(out[0].port, 7777);
  EXPECT_TRUE(t.contains(peer(2), key));
  EXPECT_TRUE(t.erase(peer(1), key));
  EXPECT_FALSE(t.erase(peer(1), key));
  EXPECT_FALSE(t.contains(peer(1), key));
  EXPECT_EQ(t.seeders(), 0u);
  EXPECT_TRUE(t.erase(peer(2), key));
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.capacity(), 0u);
  EXPECT_EQ(t.heap_bytes(), 0u);
}

TEST(PeerTable, TenPeersCostTheirRecordsAndOneHeader) {
  peer_table t;
  for (int i = 0; i < 10; ++i) t.upsert(at(i, i % 4 == 0, 1), key);
  EXPECT_EQ(t.capacity(), 10u);
  EXPECT_EQ(t.heap_bytes(), 16u + 10 * 28);
  peer_table v6;
  v6.upsert(at(1, false, 1, true), key);
  EXPECT_EQ(v6.heap_bytes(), 16u + 40);
}

// Random announces, stops, role and family changes against a plain map.
TEST(PeerTable, MatchesAModelThroughRandomOperations) {
  struct state {
    bool seeder;
    bool v6;
    std::uint16_t port;
  };
  std::mt19937 rng(99);
  for (int pool : {8, 40, 300}) {  // scanned, just indexed, and well indexed
    peer_table t;
    std::map<int, state> model;
    for (int step = 0; step < 20000; ++step) {
      int n = static_cast<int>(rng() % pool);
      if (rng() % 5 == 0) {
        EXPECT_EQ(t.erase(peer(n), key), model.erase(n) == 1);
      } else {
        auto a = at(n, rng() % 3 == 0, static_cast<std::uint32_t>(step), rng() % 4 == 0);
        a.port = static_cast<std::uint16_t>(1 + rng() % 60000);
        auto r = t.upsert(a, key);
        EXPECT_EQ(r.inserted, model.count(n) == 0);
        model[n] = {a.seeder, a.v6, a.port};
      }
      std::uint32_t seeders = 0;
      for (const auto& [id, s] : model) seeders += s.seeder;
      ASSERT_EQ(t.size(), model.size()) << "step " << step;
      ASSERT_EQ(t.seeders(), seeders) << "step " << step;
    }
    auto out = sample_all(t, {}, false);
    ASSERT_EQ(out.size(), model.size());
    for (const auto& p : out) {
      const state& s = model.at(number_of(p));
      EXPECT_EQ(p.v6, s.v6);
      EXPECT_EQ(p.port, s.port);
      EXPECT_TRUE(t.contains(p.id, key));
    }
  }
}

TEST(PeerTable, SampleNeverReturnsTheAskerAndOnlyLeechersToASeeder) {
  for (int size : {3, 20, 200}) {  // scanned and indexed arrays
    peer_table t;
    for (int i = 0; i < size; ++i) t.upsert(at(i, i % 4 == 0, 1, i % 3 == 0), key);
    int seeders = (size + 3) / 4;
    for (int asker = 0; asker < size; ++asker) {
      bool seeder = asker % 4 == 0;
      auto r = t.upsert(at(asker, seeder, 2, asker % 3 == 0), key);
      for (std::uint64_t random : {1ull, 0xdeadbeefcafef00dull, 12345678901234ull}) {
        std::vector<swarm_peer> out;
        t.sample(random, 1000, r.self, seeder, out);
        ASSERT_EQ(out.size(), static_cast<std::size_t>(seeder ? size - seeders : size - 1));
        std::set<int> seen;
        for (const auto& p : out) {
          int n = number_of(p);
          EXPECT_NE(n, asker);
          if (seeder) {
            EXPECT_NE(n % 4, 0) << "a seeder got seeder " << n;
          }
          EXPECT_TRUE(seen.insert(n).second) << "repeated " << n;
        }
        out.clear();
        t.sample(random, 2, r.self, seeder, out);
        EXPECT_EQ(out.size(), std::min<std::size_t>(2, seeder ? size - seeders : size - 1));
      }
    }
    EXPECT_EQ(t.seeders(), static_cast<std::uint32_t>(seeders));
  }
}

TEST(PeerTable, SamplesVaryAndReachEveryPeer) {
  peer_table t;
  for (int i = 0; i < 50; ++i) t.upsert(at(i, false, 1, i % 2 == 1), key);
  std::mt19937_64 rng(5);
  std::map<int, int> hits;
  for (int round = 0; round < 400; ++round) {
    std::vector<swarm_peer> out;
    t.sample(rng(), 5, {}, false, out);
    ASSERT_EQ(out.size(), 5u);
    for (const auto& p : out) ++hits[number_of(p)];
  }
  ASSERT_EQ(hits.size(), 50u);  // 2,000 picks over 50 peers: 40 each on average
  for (const auto& [n, count] : hits) EXPECT_GT(count, 10) << n;
}

TEST(PeerTable, IPv4AndIPv6PeersAndAFamilyChange) {
  peer_table t;
  t.upsert(at(1, false, 1, false), key);
  t.upsert(at(2, true, 1, true), key);
  auto out = sample_all(t, {}, false);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& p : out) {
    if (number_of(p) == 1) {
      EXPECT_FALSE(p.v6);
      EXPECT_EQ(p.ip, (ip_bytes{10, 0, 0, 1}));
    } else {
      EXPECT_TRUE(p.v6);
      EXPECT_EQ(p.ip, (ip_bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}));
    }
  }
  // Peer 1 now announces over IPv6: still one peer, now in the IPv6 array.
  auto r = t.upsert(at(1, false, 2, true), key);
  EXPECT_FALSE(r.inserted);
  EXPECT_TRUE(r.self.v6);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.heap_bytes(), 16u + 2 * 40);
  out = sample_all(t, {}, false);
  for (const auto& p : out) EXPECT_TRUE(p.v6);
  // A seeder asking sees only the leecher, whichever family it is in.
  out = sample_all(t, {}, true);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(number_of(out[0]), 1);
}

TEST(PeerTable, ExpiryRemovesSilentPeersAndReleasesCapacity) {
  peer_table t;
  for (int i = 0; i < 100; ++i) t.upsert(at(i, i % 2 == 0, 10, i % 5 == 0), key);
  for (int i = 0; i < 100; i += 10) t.upsert(at(i, true, 100, i % 5 == 0), key);
  std::size_t full = t.heap_bytes();
  EXPECT_EQ(t.expire(10, key), 0u);
  EXPECT_EQ(t.expire(50, key), 90u);
  EXPECT_EQ(t.size(), 10u);
  EXPECT_EQ(t.seeders(), 10u);
  EXPECT_EQ(t.capacity(), 10u);  // exact once the swarm shrank
  EXPECT_LT(t.heap_bytes(), full / 5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(t.contains(peer(i), key), i % 10 == 0) << i;
  EXPECT_EQ(t.expire(101, key), 10u);
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.heap_bytes(), 0u);
}

TEST(PeerTable, LastSeenStaysExactAcrossItsSixteenBits) {
  peer_table t;
  // 60,000 s apart, far from the time the table started at.
  t.upsert(at(1, false, 100000), key);
  t.upsert(at(2, false, 160000), key);
  EXPECT_EQ(t.expire(100000, key), 0u);
  EXPECT_EQ(t.expire(100001, key), 1u);
  EXPECT_TRUE(t.contains(peer(2), key));
  // Expiry moved the base up: another 60,000 s still fit.
  t.upsert(at(3, false, 220000), key);
  EXPECT_EQ(t.expire(160000, key), 0u);
  EXPECT_EQ(t.expire(160001, key), 1u);
  // A clock that went back a little is kept exactly too.
  t.upsert(at(4, false, 219000), key);
  EXPECT_EQ(t.expire(219001, key), 1u);
  EXPECT_TRUE(t.contains(peer(3), key));
  EXPECT_EQ(t.expire(220001, key), 1u);
  EXPECT_TRUE(t.empty());
}

TEST(PeerTable, BigSwarmStaysFastAndExact) {
  constexpr int n = 100000;
  peer_table t;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) ASSERT_TRUE(t.upsert(at(i, i % 5 == 0, 1), key).inserted);
  auto loaded = std::chrono::steady_clock::now();
  std::vector<swarm_peer> out;
  for (int i = 0; i < n; ++i) {
    auto r = t.upsert(at(i, i % 3 == 0, 2), key);  // role changes move records
    ASSERT_FALSE(r.inserted);
    out.clear();
    t.sample(static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull, 50, r.self, i % 3 == 0, out);
    ASSERT_EQ(out.size(), 50u);
  }
  auto reannounced = std::chrono::steady_clock::now();
  using ns = std::chrono::nanoseconds;
  std::cout << "100k-peer swarm: insert "
            << std::chrono::duration_cast<ns>(loaded - start).count() / n
            << " ns, re-announce with 50-peer sample "
            << std::chrono::duration_cast<ns>(reannounced - loaded).count() / n
            << " ns per peer; " << t.heap_bytes() / n << " bytes per peer\n";
  EXPECT_EQ(t.size(), static_cast<std::uint32_t>(n));
  EXPECT_EQ(t.seeders(), static_cast<std::uint32_t>((n + 2) / 3));
  std::uint32_t full = t.capacity();
  for (int i = 0; i < n; i += 2) ASSERT_TRUE(t.erase(peer(i), key));
  for (int i = 0; i < n; ++i) ASSERT_EQ(t.contains(peer(i), key), i % 2 == 1) << i;
  EXPECT_LT(t.capacity(), full);  // shrank along the way
  EXPECT_EQ(t.expire(3, key), static_cast<std::size_t>(n / 2));
  EXPECT_TRUE(t.empty());
}
