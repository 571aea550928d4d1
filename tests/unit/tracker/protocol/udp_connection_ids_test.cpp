#include "shoal/tracker/protocol/udp_connection_ids.hpp"

#include <gtest/gtest.h>

#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

using shoal::udp_tracker::connection_ids;
using shoal::tracker::ip_bytes;

namespace {
const ip_bytes client{192, 0, 2, 1};
const ip_bytes other{192, 0, 2, 2};
constexpr std::uint64_t t0 = 1'700'000'040;  // a fake clock: wall-clock seconds
}  // namespace

TEST(UdpConnectionIds, AcceptedForAboutTwoMinutesThenExpired) {
  connection_ids ids(connection_ids::key_from_secret("s"));
  auto id = ids.issue(client, false, t0);
  EXPECT_TRUE(ids.valid(id, client, false, t0));
  EXPECT_TRUE(ids.valid(id, client, false, t0 + 60));
  // Issued at the bucket's start t0 - t0 % 60: valid through the end of the next bucket.
  std::uint64_t bucket_start = t0 - t0 % connection_ids::bucket_seconds;
  EXPECT_TRUE(ids.valid(id, client, false, bucket_start + 119));
  EXPECT_FALSE(ids.valid(id, client, false, bucket_start + 120));
  EXPECT_FALSE(ids.valid(id, client, false, t0 + 3600));
  EXPECT_FALSE(ids.valid(id, client, false, bucket_start - 1)) << "not before it was issued";
}

TEST(UdpConnectionIds, BoundToTheAddressAndTheKey) {
  connection_ids ids(connection_ids::key_from_secret("s"));
  auto id = ids.issue(client, false, t0);
  EXPECT_FALSE(ids.valid(id, other, false, t0));
  EXPECT_FALSE(ids.valid(id, client, true, t0)) << "family is part of the address";
  EXPECT_FALSE(ids.valid(id + 1, client, false, t0));
  EXPECT_FALSE(ids.valid(0, client, false, t0));
  EXPECT_FALSE(ids.valid(shoal::udp_tracker::protocol_id, client, false, t0));
  connection_ids stranger(connection_ids::key_from_secret("t"));
  EXPECT_FALSE(stranger.valid(id, client, false, t0));
  connection_ids sibling(connection_ids::key_from_secret("s"));  // another process, same secret
  EXPECT_TRUE(sibling.valid(id, client, false, t0 + 30));
  connection_ids random(connection_ids::random_key());
  EXPECT_FALSE(random.valid(id, client, false, t0));
}

TEST(UdpConnectionIds, Ipv4IgnoresTheUnusedAddressBytes) {
  connection_ids ids(connection_ids::random_key());
  ip_bytes dirty = client;
  dirty[9] = 0x55;
  EXPECT_TRUE(ids.valid(ids.issue(client, false, t0), dirty, false, t0));
}
