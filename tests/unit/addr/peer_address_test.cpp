#include "shoal/addr/peer_address.hpp"

#include <gtest/gtest.h>

namespace shoal {
namespace {

TEST(PeerAddress, Ipv4RoundTrips) {
  auto a = peer_address::parse("10.1.2.3:6881");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->v6);
  EXPECT_EQ(a->port, 6881);
  EXPECT_EQ(a->ip[0], 10);
  EXPECT_EQ(a->ip[3], 3);
  EXPECT_EQ(a->ip[4], 0);
  EXPECT_EQ(a->to_string(), "10.1.2.3:6881");
}

TEST(PeerAddress, Ipv6NeedsBracketsAndRoundTrips) {
  auto a = peer_address::parse("[2001:db8::1]:51413");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->v6);
  EXPECT_EQ(a->port, 51413);
  EXPECT_EQ(a->to_string(), "[2001:db8::1]:51413");
  EXPECT_FALSE(peer_address::parse("2001:db8::1:80"));
  EXPECT_FALSE(peer_address::parse("[1.2.3.4]:80"));
}

TEST(PeerAddress, RejectsNamesAndBadPorts) {
  EXPECT_FALSE(peer_address::parse("example.com:80"));
  EXPECT_FALSE(peer_address::parse("1.2.3.4"));
  EXPECT_FALSE(peer_address::parse("1.2.3.4:"));
  EXPECT_FALSE(peer_address::parse("1.2.3.4:65536"));
  EXPECT_FALSE(peer_address::parse("1.2.3.4:80x"));
  EXPECT_FALSE(peer_address::parse("1.2.3:80"));
  EXPECT_FALSE(peer_address::parse(""));
}

TEST(PeerAddress, CompactBytesAreNetworkOrder) {
  const unsigned char v4[6] = {127, 0, 0, 1, 0x1A, 0xE1};
  EXPECT_EQ(peer_address::from_compact_v4(v4).to_string(), "127.0.0.1:6881");
  unsigned char v6[18] = {};
  v6[15] = 1;
  v6[16] = 0x00;
  v6[17] = 0x50;
  EXPECT_EQ(peer_address::from_compact_v6(v6).to_string(), "[::1]:80");
}

}  // namespace
}  // namespace shoal
