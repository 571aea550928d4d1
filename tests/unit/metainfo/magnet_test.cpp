#include "shoal/metainfo/magnet.hpp"

#include <gtest/gtest.h>

#include <string>

#include "shoal/util/hex.hpp"

using shoal::magnet_link;
using shoal::parse_magnet;

namespace {

constexpr const char* hex_hash = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";
// The same 20 bytes in RFC 4648 base32.
constexpr const char* b32_hash = "YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK";

std::string base() { return std::string("magnet:?xt=urn:btih:") + hex_hash; }

std::string error_of(const std::string& uri) {
  auto m = parse_magnet(uri);
  EXPECT_FALSE(m) << uri;
  return m ? std::string{} : m.message();
}

}  // namespace

TEST(Magnet, HexInfoHashOnly) {
  auto m = parse_magnet(base());
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->info_hash.hex(), hex_hash);
  EXPECT_TRUE(m->name.empty());
  EXPECT_TRUE(m->trackers.empty());
  EXPECT_TRUE(m->peers.empty());
}

TEST(Magnet, Base32AndUpperCaseHexGiveTheSameHash) {
  auto a = parse_magnet(std::string("magnet:?xt=urn:btih:") + b32_hash);
  ASSERT_TRUE(a) << a.message();
  EXPECT_EQ(a->info_hash.hex(), hex_hash);
  auto lower = parse_magnet(std::string("MAGNET:?XT=URN:BTIH:yex6dqdlxisuvhoj6um3gnnkpqjwpkek"));
  ASSERT_TRUE(lower) << lower.message();
  EXPECT_EQ(lower->info_hash.hex(), hex_hash);
  auto upper = parse_magnet("magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A");
  ASSERT_TRUE(upper) << upper.message();
  EXPECT_EQ(upper->info_hash.hex(), hex_hash);
}

TEST(Magnet, NameTrackersAndPeersDecoded) {
  auto m = parse_magnet(base() + "&dn=My%20File+%282026%29.iso" +
                        "&tr=http%3A%2F%2Ftracker.example%3A6969%2Fannounce" +
                        "&tr=udp://open.example:1337/announce" +
                        "&tr=http%3A%2F%2Ftracker.example%3A6969%2Fannounce" +  // duplicate
                        "&tr.1=http://other.example/a" + "&x.pe=10.0.0.1:6881&x.pe=%5B::1%5D:51413" +
                        "&x.pe=peer.example.org:7000&unknown=whatever&ws=http://web.example/");
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->name, "My File (2026).iso");
  ASSERT_EQ(m->trackers.size(), 3u);
  EXPECT_EQ(m->trackers[0], "http://tracker.example:6969/announce");
  EXPECT_EQ(m->trackers[1], "udp://open.example:1337/announce");
  EXPECT_EQ(m->trackers[2], "http://other.example/a");
  ASSERT_EQ(m->peers.size(), 2u);
  EXPECT_EQ(m->peers[0].to_string(), "10.0.0.1:6881");
  EXPECT_EQ(m->peers[1].to_string(), "[::1]:51413");
  ASSERT_EQ(m->peer_hosts.size(), 1u);
  EXPECT_EQ(m->peer_hosts[0], "peer.example.org:7000");
}

// x.pe as BEP 9 allows it: HOST:PORT with a name (kept for the resolver), IPv4, or [IPv6]:PORT unescaped.
TEST(Magnet, PeerHostNamesAndBracketedIpv6) {
  auto m = parse_magnet(base() + "&x.pe=localhost:6881&x.pe=[fe80::1]:80&x.pe=[2001:db8::7]:51413&x.pe=a-b.c_d:1");
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->peer_hosts, (std::vector<std::string>{"localhost:6881", "a-b.c_d:1"}));
  ASSERT_EQ(m->peers.size(), 2u);
  EXPECT_TRUE(m->peers[0].v6);
  EXPECT_EQ(m->peers[0].to_string(), "[fe80::1]:80");
  EXPECT_EQ(m->peers[1].to_string(), "[2001:db8::7]:51413");
}

TEST(Magnet, ParametersInAnyOrderFirstNameWins) {
  auto m = parse_magnet(std::string("magnet:?dn=first&tr=udp://t:1&xt=urn:btih:") + hex_hash + "&dn=second");
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->name, "first");
  EXPECT_EQ(m->info_hash.hex(), hex_hash);
}

TEST(Magnet, SeveralXtTakeTheBtihOne) {
  auto m = parse_magnet(std::string("magnet:?xt=urn:ed2k:31D6CFE0D16AE931B73C59D7E0C089C0&xt=urn:btmh:") +
                        "1220" + std::string(64, 'a') + "&xt=urn:btih:" + hex_hash);
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->info_hash.hex(), hex_hash);
  // The same btih twice is fine; two different ones are not.
  EXPECT_TRUE(parse_magnet(base() + "&xt=urn:btih:" + b32_hash));
  EXPECT_EQ(error_of(base() + "&xt=urn:btih:" + std::string(40, '0')), "xt: two different urn:btih info-hashes");
}

TEST(Magnet, V2OnlyRefusedClearly) {
  auto msg = error_of("magnet:?xt=urn:btmh:1220" + std::string(64, 'b') + "&dn=x");
  EXPECT_TRUE(shoal::is_magnet_v2_refusal(msg)) << msg;
  EXPECT_NE(msg.find("not supported yet"), std::string::npos) << msg;
}

TEST(Magnet, BadInputNamesTheParameter) {
  EXPECT_EQ(error_of("http://example.com/"), "magnet: does not start with \"magnet:?\"");
  EXPECT_EQ(error_of("magnet:?dn=x"), "xt: no urn:btih info-hash");
  EXPECT_EQ(error_of("magnet:?xt=urn:btih:abc"),
            "xt: urn:btih: info-hash has 3 characters, expected 40 hex or 32 base32 digits");
  EXPECT_EQ(error_of("magnet:?xt=urn:btih:" + std::string(40, 'g')), "xt: urn:btih: info-hash is not valid hex");
  EXPECT_EQ(error_of("magnet:?xt=urn:btih:" + std::string(32, '1')),
            "xt: urn:btih: info-hash is not valid base32");
  EXPECT_EQ(error_of(base() + "&dn=100%"), "dn: bad percent-escape at offset 3 of the value");
  EXPECT_EQ(error_of(base() + "&tr=%zz"), "tr: bad percent-escape at offset 0 of the value");
  EXPECT_EQ(error_of(base() + "&x.pe=10.0.0.1"), "x.pe: \"10.0.0.1\" has no :PORT");
  EXPECT_EQ(error_of(base() + "&x.pe=10.0.0.1:0"), "x.pe: port 0 in \"10.0.0.1:0\"");
  EXPECT_EQ(error_of(base() + "&x.pe=host:70000"), "x.pe: bad port in \"host:70000\"");
  EXPECT_EQ(error_of(base() + "&x.pe=bad%20host:80"), "x.pe: \"bad host\" is neither an IP address nor a host name");
  EXPECT_EQ(error_of(base() + "&x.pe=[::1]"), "x.pe: \"[::1]\" is not [IPv6]:PORT");
  EXPECT_EQ(error_of(base() + "&x.pe=[::1:80"), "x.pe: \"[::1:80\" is not [IPv6]:PORT");
  EXPECT_EQ(error_of(base() + "&x.pe=[zz::1]:80"), "x.pe: \"[zz::1]:80\" is not [IPv6]:PORT");
  EXPECT_EQ(error_of(base() + "&x.pe=[::1]:0"), "x.pe: port 0 in \"[::1]:0\"");
  EXPECT_EQ(error_of("magnet:?xt=" + std::string(shoal::max_magnet_size, 'a')).rfind("magnet: ", 0), 0u);
}

TEST(Magnet, IgnoresBareFlagsEmptyTrackersAndFragment) {
  auto m = parse_magnet(base() + "&&flag&tr=&dn=a#fragment&tr=udp://x:1");
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->name, "a");
  EXPECT_TRUE(m->trackers.empty());
}

TEST(Magnet, MakeMagnetRoundTrips) {
  magnet_link link;
  ASSERT_TRUE(shoal::sha1_digest::from_bytes(*shoal::from_hex(hex_hash), link.info_hash));
  link.name = "A name & more+/?=%";
  link.trackers = {"http://t.example:6969/announce?passkey=a+b&x=1", "udp://u.example:80"};
  link.peers = {*shoal::peer_address::parse("127.0.0.1:6881"), *shoal::peer_address::parse("[fe80::1]:1")};
  link.peer_hosts = {"seed.example:6881"};
  std::string uri = shoal::make_magnet(link);
  EXPECT_EQ(uri.rfind(base() + "&dn=A%20name%20%26", 0), 0u) << uri;
  auto back = parse_magnet(uri);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->info_hash, link.info_hash);
  EXPECT_EQ(back->name, link.name);
  EXPECT_EQ(back->trackers, link.trackers);
  EXPECT_EQ(back->peers, link.peers);
  EXPECT_EQ(back->peer_hosts, link.peer_hosts);
}

TEST(Magnet, LooksLikeMagnet) {
  EXPECT_TRUE(shoal::looks_like_magnet("Magnet:?xt"));
  EXPECT_FALSE(shoal::looks_like_magnet("file.torrent"));
}
