#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shoal::udp_tracker {
namespace {

using namespace std::string_literals;

std::string bytes(const auto& array) {
  return std::string(reinterpret_cast<const char*>(array.data()), array.size());
}

TEST(UdpTrackerPackets, ConnectRequestLayout) {
  EXPECT_EQ(bytes(connect_request(0x01020304)),
            "\x00\x00\x04\x17\x27\x10\x19\x80\x00\x00\x00\x00\x01\x02\x03\x04"s);
}

TEST(UdpTrackerPackets, AnnouncePacketLayout) {
  announce_request req;
  req.info_hash.bytes.fill(0xAA);
  req.peer_id.fill('p');
  req.downloaded = 0x0102030405060708;
  req.left = 9;
  req.uploaded = 10;
  req.event = announce_event::stopped;
  req.numwant = -1;
  req.port = 0x1234;
  std::string p = bytes(announce_packet(0x1122334455667788ull, 7, req));
  ASSERT_EQ(p.size(), 98u);
  EXPECT_EQ(p.substr(0, 16), "\x11\x22\x33\x44\x55\x66\x77\x88\x00\x00\x00\x01\x00\x00\x00\x07"s);
  EXPECT_EQ(p.substr(16, 20), std::string(20, '\xAA'));
  EXPECT_EQ(p.substr(36, 20), std::string(20, 'p'));
  EXPECT_EQ(p.substr(56, 8), "\x01\x02\x03\x04\x05\x06\x07\x08"s);
  EXPECT_EQ(p.substr(64, 8), "\x00\x00\x00\x00\x00\x00\x00\x09"s);
  EXPECT_EQ(p.substr(72, 8), "\x00\x00\x00\x00\x00\x00\x00\x0a"s);
  EXPECT_EQ(p.substr(80, 4), "\x00\x00\x00\x03"s);
  EXPECT_EQ(p.substr(84, 4), "\x00\x00\x00\x00"s);
  EXPECT_EQ(p.substr(92, 4), "\xff\xff\xff\xff"s);
  EXPECT_EQ(p.substr(96, 2), "\x12\x34"s);
}

TEST(UdpTrackerPackets, ConnectReply) {
  auto id = parse_connect_reply("\x00\x00\x00\x00\x00\x00\x00\x05\x01\x02\x03\x04\x05\x06\x07\x08"s);
  ASSERT_TRUE(id) << id.message();
  EXPECT_EQ(*id, 0x0102030405060708ull);
  EXPECT_FALSE(parse_connect_reply("\x00\x00\x00\x00\x00\x00\x00\x05\x01"s));
  EXPECT_EQ(reply_transaction_id("\x00\x00\x00\x00\x00\x00\x00\x05"s), 5u);
  EXPECT_FALSE(reply_transaction_id("\x00\x00\x00"s));
}

TEST(UdpTrackerPackets, ErrorReplyBecomesTrackerFailure) {
  auto r = parse_announce_response("\x00\x00\x00\x03\x00\x00\x00\x05no such torrent"s, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "tracker failure: no such torrent");
  auto c = parse_connect_reply("\x00\x00\x00\x03\x00\x00\x00\x05nope"s);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.message(), "tracker failure: nope");
}

TEST(UdpTrackerPackets, AnnounceReplyPeers) {
  const std::string head = "\x00\x00\x00\x01\x00\x00\x00\x05\x00\x00\x07\x08\x00\x00\x00\x02\x00\x00\x00\x03"s;
  auto r = parse_announce_response(head + "\x01\x02\x03\x04\x00\x50"s, false);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->interval, 1800);
  EXPECT_EQ(r->incomplete, 2);
  EXPECT_EQ(r->complete, 3);
  ASSERT_EQ(r->peers.size(), 1u);
  EXPECT_EQ(r->peers[0].to_string(), "1.2.3.4:80");
  EXPECT_FALSE(parse_announce_response(head + "\x01\x02\x03"s, false));
  EXPECT_FALSE(parse_announce_response(head + "\x01\x02\x03\x04\x00\x50"s, true));
  EXPECT_FALSE(parse_announce_response(head.substr(0, 12), false));
  EXPECT_FALSE(parse_announce_response("\x00\x00\x00\x02\x00\x00\x00\x05"s + head.substr(8), false));
}

TEST(UdpTrackerPackets, NumericKey) {
  EXPECT_EQ(numeric_key("0000abcd"), 0xabcdu);
  EXPECT_EQ(numeric_key("xyz"), numeric_key("xyz"));
  EXPECT_NE(numeric_key("xyz"), numeric_key("xyw"));
}

}  // namespace
}  // namespace shoal::udp_tracker
