#include "shoal/dht/protocol/krpc.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace shoal::dht;
using shoal::peer_address;

namespace {

node_id id_of(char c) {
  node_id id;
  id.bytes.fill(static_cast<std::uint8_t>(c));
  return id;
}

std::string fail(std::string_view packet, const krpc_limits& l = {}) {
  auto m = decode_krpc(packet, l);
  EXPECT_FALSE(m) << packet.substr(0, 80);
  return m ? std::string{} : m.message();
}

krpc_message round_trip(const krpc_message& m) {
  auto back = decode_krpc(encode_krpc(m));
  EXPECT_TRUE(back) << back.message();
  return back ? *back : krpc_message{};
}

}  // namespace

TEST(Krpc, DecodesBep5Examples) {
  // The examples of BEP 5, verbatim.
  auto ping = decode_krpc("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
  ASSERT_TRUE(ping) << ping.message();
  ASSERT_TRUE(ping->is_query());
  const auto& q = std::get<krpc_query>(ping->body);
  EXPECT_EQ(q.method, query_method::ping);
  EXPECT_EQ(q.id.view(), "abcdefghij0123456789");
  EXPECT_EQ(ping->transaction, "aa");

  auto pong = decode_krpc("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re");
  ASSERT_TRUE(pong) << pong.message();
  ASSERT_TRUE(pong->is_response());
  EXPECT_EQ(std::get<krpc_response>(pong->body).id.view(), "mnopqrstuvwxyz123456");

  auto err = decode_krpc("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee");
  ASSERT_TRUE(err) << err.message();
  ASSERT_TRUE(err->is_error());
  EXPECT_EQ(std::get<krpc_error>(err->body).code, krpc_errc::generic);
  EXPECT_EQ(std::get<krpc_error>(err->body).message, "A Generic Error Ocurred");

  auto announce = decode_krpc(
      "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:porti6881e"
      "5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe");
  ASSERT_TRUE(announce) << announce.message();
  const auto& a = std::get<krpc_query>(announce->body);
  EXPECT_EQ(a.method, query_method::announce_peer);
  EXPECT_TRUE(a.implied_port);
  EXPECT_EQ(a.port, 6881);
  EXPECT_EQ(a.token, "aoeusnth");
  EXPECT_EQ(a.info_hash.view(), "mnopqrstuvwxyz123456");
}

TEST(Krpc, QueriesRoundTrip) {
  for (auto method : {query_method::ping, query_method::find_node, query_method::get_peers,
                      query_method::announce_peer}) {
    krpc_message m;
    m.transaction = std::string("\x00\xff", 2);
    m.version = "SH01";
    m.read_only = true;
    krpc_query q;
    q.method = method;
    q.id = id_of('i');
    q.target = id_of('t');
    q.info_hash = id_of('h');
    q.port = 51413;
    q.token = "tok";
    m.body = q;
    auto back = round_trip(m);
    EXPECT_EQ(back.transaction, m.transaction);
    EXPECT_EQ(back.version, m.version);
    EXPECT_TRUE(back.read_only);
    ASSERT_TRUE(back.is_query());
    const auto& b = std::get<krpc_query>(back.body);
    EXPECT_EQ(b.method, method);
    EXPECT_EQ(b.method_name, to_string(method));
    EXPECT_EQ(b.id, q.id);
    if (method == query_method::find_node) {
      EXPECT_EQ(b.target, q.target);
    }
    if (method == query_method::get_peers || method == query_method::announce_peer) {
      EXPECT_EQ(b.info_hash, q.info_hash);
    }
    if (method == query_method::announce_peer) {
      EXPECT_EQ(b.port, 51413);
      EXPECT_EQ(b.token, "tok");
      EXPECT_FALSE(b.implied_port);
    }
  }
}

TEST(Krpc, ResponseWithNodesValuesTokenRoundTrips) {
  krpc_message m;
  m.transaction = "xy";
  m.your_ip = *peer_address::parse("203.0.113.5:6881");
  krpc_response r;
  r.id = id_of('r');
  r.nodes = {{id_of('a'), *peer_address::parse("10.0.0.1:1")}, {id_of('b'), *peer_address::parse("10.0.0.2:2")}};
  r.nodes6 = {{id_of('c'), *peer_address::parse("[2001:db8::3]:3")}};
  r.values = {*peer_address::parse("1.2.3.4:5"), *peer_address::parse("[::1]:6")};
  r.token = "secret";
  m.body = r;
  std::string bytes = encode_krpc(m);
  auto back = round_trip(m);
  ASSERT_TRUE(back.is_response());
  const auto& b = std::get<krpc_response>(back.body);
  EXPECT_EQ(b.id, r.id);
  EXPECT_EQ(b.nodes, r.nodes);
  EXPECT_EQ(b.nodes6, r.nodes6);
  EXPECT_EQ(b.values, r.values);
  EXPECT_EQ(b.token, r.token);
  EXPECT_EQ(back.your_ip, m.your_ip);
  // Compact node info: 26 bytes each.
  EXPECT_NE(bytes.find("5:nodes52:"), std::string::npos) << bytes;
}

TEST(Krpc, ErrorRoundTrip) {
  krpc_message m;
  m.transaction = "e1";
  m.body = krpc_error{krpc_errc::method_unknown, "Method Unknown"};
  auto back = round_trip(m);
  ASSERT_TRUE(back.is_error());
  EXPECT_EQ(std::get<krpc_error>(back.body).code, 204);
  EXPECT_EQ(std::get<krpc_error>(back.body).message, "Method Unknown");
}

TEST(Krpc, UnknownMethodDecodedAsSuch) {
  auto m = decode_krpc("d1:ad2:id20:abcdefghij0123456789e1:q9:vote_this1:t1:z1:y1:qe");
  ASSERT_TRUE(m) << m.message();
  const auto& q = std::get<krpc_query>(m->body);
  EXPECT_EQ(q.method, query_method::unknown);
  EXPECT_EQ(q.method_name, "vote_this");
  // Even without an id: the node still answers it with 204.
  auto bare = decode_krpc("d1:ade1:q3:foo1:t1:z1:y1:qe");
  ASSERT_TRUE(bare) << bare.message();
  EXPECT_EQ(std::get<krpc_query>(bare->body).method, query_method::unknown);
}

TEST(Krpc, ValuesBeyondCapDroppedDeliberately) {
  std::string values;
  for (int i = 0; i < 150; ++i) values += "6:" + std::string{1, 2, 3, static_cast<char>(i), 0, 1};
  std::string packet = "d1:rd2:id20:mnopqrstuvwxyz1234565:token1:k6:valuesl" + values + "ee1:t2:aa1:y1:re";
  ASSERT_LT(packet.size(), krpc_limits{}.max_packet);
  auto m = decode_krpc(packet);
  ASSERT_TRUE(m) << m.message();
  const auto& r = std::get<krpc_response>(m->body);
  EXPECT_EQ(r.values.size(), 100u);
  EXPECT_EQ(r.values_dropped, 50u);
}

TEST(Krpc, BadPacketsRefused) {
  EXPECT_EQ(fail(std::string(3000, 'x')), "krpc: 3000-byte packet, above the limit of 2048");
  EXPECT_EQ(fail("le"), "krpc: a list, not a dictionary");
  EXPECT_EQ(fail("d1:y1:qe"), "krpc: t: missing");
  EXPECT_EQ(fail("d1:t2:aae"), "krpc: y: missing");
  EXPECT_EQ(fail("d1:t2:aa1:y1:xe"), "krpc: y: \"x\" is none of q, r, e");
  EXPECT_EQ(fail("d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe"), "krpc: id: 3 bytes, not 20");
  EXPECT_EQ(fail("d1:ad2:id20:abcdefghij0123456789e1:q9:find_node1:t2:aa1:y1:qe"), "krpc: target: missing");
  EXPECT_EQ(fail("d1:ad2:id20:abcdefghij01234567899:info_hash19:mnopqrstuvwxyz12345e1:q9:get_peers1:t2:aa1:y1:qe"),
            "krpc: info_hash: 19 bytes, not 20");
  EXPECT_EQ(fail("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti6881ee"
                 "1:q13:announce_peer1:t2:aa1:y1:qe"),
            "krpc: token: missing");
  EXPECT_EQ(fail("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234565:token1:xe"
                 "1:q13:announce_peer1:t2:aa1:y1:qe"),
            "krpc: port: missing");
  EXPECT_EQ(fail("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti70000e5:token1:xe"
                 "1:q13:announce_peer1:t2:aa1:y1:qe"),
            "krpc: port: 70000 out of range");
  EXPECT_EQ(fail("d1:rd2:id20:mnopqrstuvwxyz1234565:nodes27:" + std::string(27, 'n') + "e1:t2:aa1:y1:re"),
            "krpc: nodes: 27 bytes, not a multiple of 26");
  EXPECT_EQ(fail("d1:rd2:id20:mnopqrstuvwxyz1234566:valuesl5:abcdeee1:t2:aa1:y1:re"),
            "krpc: values[0]: not a 6- or 18-byte compact peer");
  EXPECT_EQ(fail("d1:eli201ee1:t2:aa1:y1:ee"), "krpc: e: not [code, message]");
  EXPECT_EQ(fail("d1:t40:" + std::string(40, 't') + "1:y1:qe"), "krpc: t: 40 bytes, above the limit of 32");
  EXPECT_FALSE(decode_krpc(""));
  EXPECT_FALSE(decode_krpc("d1:t2:aa"));
  EXPECT_FALSE(decode_krpc(std::string(1500, 'l')));
}

TEST(Krpc, CompactNodeInfo) {
  std::string out;
  append_compact_node(out, {id_of('n'), *peer_address::parse("1.2.3.4:258")});
  ASSERT_EQ(out.size(), compact_node_v4_size);
  EXPECT_EQ(out.substr(20), std::string("\x01\x02\x03\x04\x01\x02", 6));
  out.clear();
  append_compact_node(out, {id_of('n'), *peer_address::parse("[::1]:1")});
  EXPECT_EQ(out.size(), compact_node_v6_size);
}
