// The tracker side of the BEP 15 codec, checked against the client side's packets.
#include <gtest/gtest.h>

#include <string>

#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

namespace shoal::udp_tracker {
namespace {

using namespace std::string_literals;

std::string as_string(const auto& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

announce_request sample_request() {
  announce_request req;
  req.info_hash.bytes.fill(0xAA);
  req.peer_id.fill('p');
  req.downloaded = 5;
  req.left = 9;
  req.uploaded = 10;
  req.event = announce_event::started;
  req.numwant = 30;
  req.port = 0x1234;
  return req;
}

TEST(UdpTrackerRequest, ConnectNeedsTheProtocolId) {
  auto h = decode_request_head(as_string(connect_request(77)));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->action, connect);
  EXPECT_EQ(h->transaction_id, 77u);
  auto bad = connect_request(77);
  bad[0] = 1;
  EXPECT_FALSE(decode_request_head(as_string(bad))) << "not BEP 15: dropped, not answered";
  EXPECT_FALSE(decode_request_head(std::string(15, '\0'))) << "no transaction id to echo";
}

TEST(UdpTrackerRequest, AnnounceRoundTripsFromTheClientPacket) {
  auto packet = as_string(announce_packet(0x1122334455667788ull, 9, sample_request()));
  auto h = decode_request_head(packet);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->connection_id, 0x1122334455667788ull);
  EXPECT_EQ(h->action, announce);
  auto q = decode_announce_request(packet);
  ASSERT_TRUE(q) << q.message();
  EXPECT_EQ(q->info_hash.bytes[0], 0xAA);
  EXPECT_EQ(q->peer_id[19], 'p');
  EXPECT_EQ(q->downloaded, 5);
  EXPECT_EQ(q->left, 9);
  EXPECT_EQ(q->uploaded, 10);
  EXPECT_EQ(q->event, announce_event::started);
  EXPECT_EQ(q->numwant, 30);
  EXPECT_EQ(q->port, 0x1234);
  EXPECT_TRUE(q->compact);
}

TEST(UdpTrackerRequest, AnnounceToleratesBep41OptionsAndRefusesBadFields) {
  auto packet = as_string(announce_packet(1, 9, sample_request()));
  // BEP 41: URLData "/announce?k=v", then EndOfOptions.
  EXPECT_TRUE(decode_announce_request(packet + "\x02\x0d/announce?k=v\x00"s));
  auto e = decode_announce_request(packet.substr(0, 97));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.message(), "announce of 97 bytes: needs 98");
  auto req = sample_request();
  req.numwant = -1;
  auto q = decode_announce_request(as_string(announce_packet(1, 9, req)));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->numwant, -1);
  std::string bad_event = packet;
  bad_event[83] = 9;
  EXPECT_EQ(decode_announce_request(bad_event).message(), "announce: unknown event 9");
  std::string no_port = packet;
  no_port[96] = no_port[97] = 0;
  EXPECT_EQ(decode_announce_request(no_port).message(), "announce: port 0");
  std::string negative_left = packet;
  negative_left[64] = '\x80';
  EXPECT_FALSE(decode_announce_request(negative_left));
}

TEST(UdpTrackerRequest, ScrapeIsBoundedToSeventyFourHashes) {
  std::string head = "\0\0\0\0\0\0\0\1\0\0\0\2\0\0\0\3"s;
  std::vector<sha1_digest> hashes;
  EXPECT_TRUE(decode_scrape_request(head + std::string(20 * 74, 'h'), hashes));
  EXPECT_EQ(hashes.size(), 74u);
  auto many = decode_scrape_request(head + std::string(20 * 75, 'h'), hashes);
  ASSERT_FALSE(many);
  EXPECT_EQ(many.message(), "scrape of 75 info-hashes: at most 74 a packet");
  EXPECT_TRUE(hashes.empty());
  EXPECT_FALSE(decode_scrape_request(head, hashes)) << "no hash";
  EXPECT_FALSE(decode_scrape_request(head + std::string(21, 'h'), hashes)) << "partial hash";
}

TEST(UdpTrackerReply, ConnectAndErrorParseOnTheClientSide) {
  std::array<std::uint8_t, min_reply_buffer> out;
  auto n = write_connect_reply(out, 5, 0xabcdef);
  std::string reply(reinterpret_cast<const char*>(out.data()), n);
  EXPECT_EQ(reply_transaction_id(reply), 5u);
  auto id = parse_connect_reply(reply);
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, 0xabcdefu);
  n = write_error_reply(out, 6, "unknown or expired connection id");
  reply.assign(reinterpret_cast<const char*>(out.data()), n);
  EXPECT_EQ(parse_connect_reply(reply).message(),
            "tracker failure: unknown or expired connection id");
}

TEST(UdpTrackerReply, AnnouncePeersByTheRequestersFamily) {
  tracker::swarm_peer v4;
  v4.ip = {10, 0, 0, 1};
  v4.port = 6881;
  tracker::swarm_peer v6;
  v6.ip = {0x20, 0x01, 0x0d, 0xb8};
  v6.ip[15] = 1;
  v6.v6 = true;
  v6.port = 6882;
  std::vector<tracker::swarm_peer> peers{v4, v6};
  tracker::announce_response_head head;
  head.interval = 1800;
  head.counts = {2, 3, 0};
  std::array<std::uint8_t, min_reply_buffer> out;
  auto n = write_announce_response(out, 1, head, peers, false);
  ASSERT_EQ(n, 26u) << "the IPv6 peer is left out for an IPv4 requester";
  auto r = parse_announce_response({reinterpret_cast<const char*>(out.data()), n}, false);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->interval, 1800);
  EXPECT_EQ(r->complete, 2);
  EXPECT_EQ(r->incomplete, 3);
  ASSERT_EQ(r->peers.size(), 1u);
  EXPECT_EQ(r->peers[0].to_string(), "10.0.0.1:6881");
  n = write_announce_response(out, 1, head, peers, true);
  ASSERT_EQ(n, 20u + 2 * 18);
  r = parse_announce_response({reinterpret_cast<const char*>(out.data()), n}, true);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->peers.size(), 2u);
  EXPECT_EQ(r->peers[0].to_string(), "[::ffff:10.0.0.1]:6881");
  EXPECT_EQ(r->peers[1].to_string(), "[2001:db8::1]:6882");
}

TEST(UdpTrackerReply, AnnounceStopsAtTheBuffersEnd) {
  std::vector<tracker::swarm_peer> peers(500);
  for (auto& p : peers) p.port = 1;
  std::array<std::uint8_t, 1452> out;
  auto n = write_announce_response(out, 1, {}, peers, false);
  EXPECT_EQ(n, 20u + 6 * announce_response_capacity(out.size(), false));
  EXPECT_LE(n, out.size());
}

TEST(UdpTrackerReply, ScrapeKeepsTheRequestOrder) {
  std::vector<tracker::scrape_file> files(2);
  files[0].info_hash.bytes.fill(9);
  files[0].counts = {1, 2, 3};
  files[1].counts = {4, 5, 6};
  std::array<std::uint8_t, min_reply_buffer> out;
  auto n = write_scrape_reply(out, 3, files);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()), n),
            "\0\0\0\2\0\0\0\3"
            "\0\0\0\1\0\0\0\3\0\0\0\2"
            "\0\0\0\4\0\0\0\6\0\0\0\5"s);
}

}  // namespace
}  // namespace shoal::udp_tracker
