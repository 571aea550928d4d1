#include <gtest/gtest.h>

#include "shoal/dht/peer_store.hpp"
#include "shoal/dht/rate_limiter.hpp"
#include "shoal/dht/token_keeper.hpp"

namespace shoal::dht {
namespace {

using namespace std::chrono_literals;

peer_address addr(const char* s) { return *peer_address::parse(s); }

TEST(TokenKeeper, ValidForTheSameIpAcrossOneRotationNotTwo) {
  std::mt19937_64 rng(5);
  token_keeper k(rng);
  const auto a = addr("10.0.0.1:6881");
  const auto token = k.make(a);
  EXPECT_TRUE(k.valid(token, a));
  EXPECT_TRUE(k.valid(token, addr("10.0.0.1:9999"))) << "the IP counts, not the port";
  EXPECT_FALSE(k.valid(token, addr("10.0.0.2:6881")));
  EXPECT_FALSE(k.valid("garbage", a));
  k.rotate();
  EXPECT_TRUE(k.valid(token, a));
  k.rotate();
  EXPECT_FALSE(k.valid(token, a));
}

TEST(PeerStore, AnnounceGetExpire) {
  std::mt19937_64 rng(1);
  peer_store s;
  sha1_digest ih;
  ih.bytes[0] = 1;
  const auto now = peer_store::clock::now();
  EXPECT_TRUE(s.announce(ih, addr("127.0.0.1:6000"), now));
  EXPECT_TRUE(s.announce(ih, addr("127.0.0.1:6000"), now + 10min));  // refresh, not a duplicate
  EXPECT_EQ(s.total(), 1u);
  EXPECT_EQ(s.get(ih, 50, now + 35min, rng).size(), 1u) << "refreshed at 10 min, lives to 40";
  EXPECT_TRUE(s.get(ih, 50, now + 41min, rng).empty());
  s.expire(now + 41min);
  EXPECT_EQ(s.total(), 0u);
  EXPECT_EQ(s.torrents(), 0u);
}

TEST(PeerStore, BoundedPerTorrentAndInTotal) {
  std::mt19937_64 rng(1);
  peer_store s(peer_store_limits{.max_per_torrent = 10, .max_torrents = 5, .max_total = 30});
  const auto now = peer_store::clock::now();
  for (int t = 0; t < 20; ++t) {
    sha1_digest ih;
    ih.bytes[0] = static_cast<std::uint8_t>(t);
    for (int p = 0; p < 50; ++p) (void)s.announce(ih, addr(("127.0.0.1:" + std::to_string(1000 + p)).c_str()), now);
  }
  EXPECT_LE(s.torrents(), 5u);
  EXPECT_EQ(s.total(), 30u);
  sha1_digest first;
  EXPECT_EQ(s.get(first, 100, now, rng).size(), 10u);
  EXPECT_EQ(s.get(first, 4, now, rng).size(), 4u);
}

TEST(RateLimiter, FloodFromOneSourceDroppedOthersServed) {
  rate_limiter r(rate_limits{.per_second = 10, .burst = 20, .max_sources = 100});
  const auto now = rate_limiter::clock::now();
  int allowed = 0;
  for (int i = 0; i < 1000; ++i) allowed += r.allow(addr("10.0.0.1:1"), now);
  EXPECT_EQ(allowed, 20);
  EXPECT_TRUE(r.allow(addr("10.0.0.2:1"), now));
  EXPECT_TRUE(r.allow(addr("10.0.0.1:1"), now + 200ms)) << "refills over time";
  for (int i = 0; i < 1000; ++i) (void)r.allow(addr(("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":1").c_str()), now);
  EXPECT_LE(r.sources(), 100u);
}

TEST(RateLimiter, PublicIpCountsAcrossPortsPrivateIpPerPort) {
  rate_limiter r(rate_limits{.per_second = 1, .burst = 2, .max_sources = 100});
  const auto now = rate_limiter::clock::now();
  EXPECT_TRUE(r.allow(addr("8.8.8.8:1"), now));
  EXPECT_TRUE(r.allow(addr("8.8.8.8:2"), now));
  EXPECT_FALSE(r.allow(addr("8.8.8.8:3"), now)) << "a public IP cannot dodge the limit by changing ports";
  EXPECT_TRUE(r.allow(addr("127.0.0.1:1"), now));
  EXPECT_TRUE(r.allow(addr("127.0.0.1:1"), now));
  EXPECT_FALSE(r.allow(addr("127.0.0.1:1"), now));
  EXPECT_TRUE(r.allow(addr("127.0.0.1:2"), now)) << "several nodes on one loopback IP each get a budget";
}

}  // namespace
}  // namespace shoal::dht
