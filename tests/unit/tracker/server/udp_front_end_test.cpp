#include "shoal/tracker/server/udp_front_end.hpp"

#include <gtest/gtest.h>

#include <string>

#include "shoal/bencode/decode.hpp"
#include "shoal/tracker/protocol/udp_tracker_packets.hpp"
#include "shoal/tracker/server/http_front_end.hpp"
#include "immediate_calls.hpp"

using namespace shoal;
using namespace shoal::tracker;
namespace udp = shoal::udp_tracker;
using namespace shoal::tracker::testing;

namespace {

constexpr std::uint64_t unix_t0 = 1'800'000'000;

struct UdpFrontEnd : ::testing::Test {
  std::unique_ptr<async_swarm_store> store = make_immediate_store(make_memory_swarm_store());
  tracker_logic logic{tracker_config{}, *store};
  shoal::siphash_key key = udp::connection_ids::key_from_secret("test");
  udp_front_end front{logic, key};
  request_scratch scratch;
  std::array<std::uint8_t, 1452> out;
  peer_origin from{{127, 0, 0, 1}, false};

  std::string send(const std::string& packet, const peer_origin& who, std::uint64_t t = unix_t0,
                   bool truncated = false) {
    udp_datagram d{packet, truncated, who};
    auto n = handle_now(front, d, 1, t, scratch, out);
    return std::string(reinterpret_cast<const char*>(out.data()), n);
  }
  std::uint64_t connect(const peer_origin& who, std::uint64_t t = unix_t0) {
    auto reply = send(as_string(udp::connect_request(1)), who, t);
    auto id = udp::parse_connect_reply(reply);
    EXPECT_TRUE(id) << id.message();
    return id ? *id : 0;
  }
  static std::string as_string(const auto& bytes) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  static shoal::announce_request request(char peer, std::int64_t left) {
    shoal::announce_request req;
    req.info_hash.bytes.fill(0x11);
    req.peer_id.fill(static_cast<std::uint8_t>(peer));
    req.port = static_cast<std::uint16_t>(6000 + peer);
    req.left = left;
    return req;
  }
};

}  // namespace

TEST_F(UdpFrontEnd, ConnectThenAnnounceGetsPeersAndCounts) {
  auto id = connect(from);
  send(as_string(udp::announce_packet(id, 2, request('a', 0))), from);
  auto reply = send(as_string(udp::announce_packet(id, 3, request('b', 7))), from);
  EXPECT_EQ(udp::reply_transaction_id(reply), 3u);
  auto r = udp::parse_announce_response(reply, false);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->complete, 1);
  EXPECT_EQ(r->incomplete, 1) << "the asker is counted, as over HTTP";
  ASSERT_EQ(r->peers.size(), 1u);
  EXPECT_EQ(r->peers[0].to_string(), "127.0.0.1:" + std::to_string(6000 + 'a'));
  EXPECT_EQ(logic.counters().get(tracker_count::udp_connects), 1u);
  EXPECT_EQ(logic.counters().get(tracker_count::udp_announces), 2u);
  EXPECT_EQ(logic.announces(), 2u);
}

TEST_F(UdpFrontEnd, MadeUpOrExpiredIdsGetAnErrorNeverPeers) {
  auto id = connect(from);
  send(as_string(udp::announce_packet(id, 2, request('a', 0))), from);
  for (std::uint64_t made_up : {std::uint64_t{0}, id ^ 1, udp::protocol_id}) {
    auto reply = send(as_string(udp::announce_packet(made_up, 4, request('b', 7))), from);
    EXPECT_EQ(reply, std::string("\0\0\0\3\0\0\0\4", 8) + "unknown or expired connection id");
  }
  peer_origin elsewhere{{127, 0, 0, 2}, false};
  auto stolen = send(as_string(udp::announce_packet(id, 5, request('c', 7))), elsewhere);
  EXPECT_FALSE(udp::parse_announce_response(stolen, false));
  auto late = send(as_string(udp::announce_packet(id, 6, request('c', 7))), from, unix_t0 + 121);
  EXPECT_FALSE(udp::parse_announce_response(late, false));
  EXPECT_EQ(totals_now(*store).peers, 1u) << "nothing recorded from a refused id";
  EXPECT_EQ(logic.counters().get(tracker_count::udp_errors), 5u);
}

TEST_F(UdpFrontEnd, IdFromAnotherProcessWithTheSameKeyIsAccepted) {
  auto other_store = make_immediate_store(make_memory_swarm_store());
  tracker_logic other_logic{tracker_config{}, *other_store};
  udp_front_end other{other_logic, key};
  std::array<std::uint8_t, 64> buf;
  std::string connect_packet = as_string(udp::connect_request(1));
  udp_datagram d{connect_packet, false, from};
  auto n = handle_now(other, d, 1, unix_t0, scratch, buf);
  auto id = udp::parse_connect_reply({reinterpret_cast<const char*>(buf.data()), n});
  ASSERT_TRUE(id);
  auto reply = send(as_string(udp::announce_packet(*id, 2, request('a', 0))), from, unix_t0 + 10);
  EXPECT_TRUE(udp::parse_announce_response(reply, false)) << reply;
}

TEST_F(UdpFrontEnd, NoiseIsDroppedOrRefused) {
  EXPECT_EQ(send("", from), "");
  EXPECT_EQ(send(std::string(15, 'x'), from), "") << "too short to echo a transaction id";
  EXPECT_EQ(send(std::string(16, '\0'), from), "") << "a connect without the protocol id";
  auto id = connect(from);
  std::string head(16, '\0');
  for (int i = 0; i < 8; ++i) head[i] = static_cast<char>(id >> (56 - 8 * i));
  head[11] = 7;
  EXPECT_NE(send(head, from).find("unknown action 7"), std::string::npos);
  head[11] = 1;
  EXPECT_NE(send(head + "short", from).find("announce of 21 bytes"), std::string::npos);
  head[11] = 2;
  EXPECT_NE(send(head + std::string(2032, 'h'), from, unix_t0, true).find("request too long"),
            std::string::npos);
  EXPECT_NE(send(head + std::string(20 * 75, 'h'), from).find("at most 74"), std::string::npos);
}

TEST_F(UdpFrontEnd, ScrapeAndIpv6Peers) {
  peer_origin v6{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}, true};
  auto id4 = connect(from);
  auto id6 = connect(v6);
  send(as_string(udp::announce_packet(id4, 2, request('a', 0))), from);
  send(as_string(udp::announce_packet(id6, 2, request('b', 0))), v6);
  auto reply = send(as_string(udp::announce_packet(id6, 3, request('c', 5))), v6);
  auto r = udp::parse_announce_response(reply, true);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->peers.size(), 2u) << "18-byte peers, IPv4 ones mapped";
  std::string scrape(16, '\0');
  for (int i = 0; i < 8; ++i) scrape[i] = static_cast<char>(id4 >> (56 - 8 * i));
  scrape[11] = 2;
  scrape += std::string(20, '\x11') + std::string(20, '\x22');
  reply = send(scrape, from);
  ASSERT_EQ(reply.size(), 8u + 24);
  EXPECT_EQ(reply.substr(8, 12), std::string("\0\0\0\2\0\0\0\0\0\0\0\1", 12));
  EXPECT_EQ(reply.substr(20), std::string(12, '\0')) << "an unknown torrent counts zeros";
  EXPECT_EQ(logic.counters().get(tracker_count::udp_scrapes), 1u);
}

TEST_F(UdpFrontEnd, HttpAndUdpSeeTheSameSwarm) {
  http_front_end http{logic};
  http_reply page;
  auto id = connect(from);
  send(as_string(udp::announce_packet(id, 2, request('a', 0))), from);
  std::string hash(60, '%');
  for (int i = 0; i < 20; ++i) hash.replace(3 * i + 1, 2, "11");
  handle_now(http, "/announce?info_hash=" + hash + "&peer_id=bbbbbbbbbbbbbbbbbbbb&port=7000&left=3",
              from, 1, scratch, page);
  auto v = shoal::bencode::decode(page.body);
  ASSERT_TRUE(v) << page.body;
  EXPECT_EQ(v->find("complete")->as_int(), 1);
  EXPECT_EQ(v->find("incomplete")->as_int(), 1);
  auto reply = send(as_string(udp::announce_packet(id, 3, request('a', 0))), from);
  auto r = udp::parse_announce_response(reply, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->complete, 1);
  EXPECT_EQ(r->incomplete, 1);
  ASSERT_EQ(r->peers.size(), 1u);
  EXPECT_EQ(r->peers[0].port, 7000);
  handle_now(http, "/stats", from, 1, scratch, page);
  EXPECT_NE(page.body.find("\"announces\":3"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("\"udp_announces\":2"), std::string::npos) << page.body;
}

TEST_F(UdpFrontEnd, WhitelistRefusalIsAnErrorPacket) {
  auto list = info_hash_list::parse(std::string(40, 'a') + "\n", "wl");
  ASSERT_TRUE(list);
  logic.set_filter(std::make_shared<const info_hash_list>(*list), list_mode::whitelist);
  auto id = connect(from);
  auto reply = send(as_string(udp::announce_packet(id, 2, request('a', 0))), from);
  EXPECT_EQ(reply.substr(8), "info_hash not in whitelist");
  EXPECT_EQ(totals_now(*store).peers, 0u);
}

TEST_F(UdpFrontEnd, UnreachableStoreIsAnErrorPacket) {
  unreachable_store down;
  tracker_logic down_logic{tracker_config{}, down};
  udp_front_end down_front{down_logic, key};
  std::string connect_packet = as_string(udp::connect_request(1));
  udp_datagram c{connect_packet, false, from};
  auto n = handle_now(down_front, c, 1, unix_t0, scratch, out);
  auto id = udp::parse_connect_reply({reinterpret_cast<const char*>(out.data()), n});
  ASSERT_TRUE(id) << "connect needs no store";
  std::string packet = as_string(udp::announce_packet(*id, 2, request('a', 0)));
  udp_datagram a{packet, false, from};
  n = handle_now(down_front, a, 1, unix_t0, scratch, out);
  std::string reply(reinterpret_cast<const char*>(out.data()), n);
  EXPECT_EQ(reply.substr(8), store_unavailable_reason);
}
