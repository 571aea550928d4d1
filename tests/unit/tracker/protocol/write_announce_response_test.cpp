#include <gtest/gtest.h>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"
#include "shoal/tracker/protocol/announce_response.hpp"

using namespace shoal;
using namespace shoal::tracker;
namespace bencode = shoal::bencode;

namespace {
swarm_peer v4_peer(std::uint8_t last, std::uint16_t port, char id) {
  swarm_peer p;
  p.ip = {10, 0, 0, last};
  p.port = port;
  p.id.fill(static_cast<std::uint8_t>(id));
  return p;
}
swarm_peer v6_peer() {
  swarm_peer p;
  p.ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  p.v6 = true;
  p.port = 0x1234;
  p.id.fill('6');
  return p;
}
bencode::value decode_canonical(const std::string& body) {
  auto v = bencode::decode(body);
  EXPECT_TRUE(v) << body;
  EXPECT_EQ(bencode::encode(*v), body) << "not canonical";
  return v ? *v : bencode::value{};
}
}  // namespace

TEST(AnnounceResponse, CompactV4AndV6) {
  announce_response_head head{1800, 900, {3, 4, 5}};
  std::vector<swarm_peer> peers{v4_peer(1, 6881, 'a'), v6_peer(), v4_peer(2, 0x1AE2, 'b')};
  std::string out;
  write_announce_response(out, head, peers, true, true);
  auto v = decode_canonical(out);
  EXPECT_EQ(v.find("complete")->as_int(), 3);
  EXPECT_EQ(v.find("incomplete")->as_int(), 4);
  EXPECT_EQ(v.find("downloaded")->as_int(), 5);
  EXPECT_EQ(v.find("interval")->as_int(), 1800);
  EXPECT_EQ(v.find("min interval")->as_int(), 900);
  EXPECT_EQ(v.find("peers")->as_string(),
            std::string("\x0a\x00\x00\x01\x1a\xe1\x0a\x00\x00\x02\x1a\xe2", 12));
  const auto& p6 = v.find("peers6")->as_string();
  ASSERT_EQ(p6.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(p6[0]), 0x20);
  EXPECT_EQ(p6.substr(16), "\x12\x34");
}

TEST(AnnounceResponse, NoPeers6KeyWithoutV6Peers) {
  std::string out;
  write_announce_response(out, {}, {}, true, true);
  auto v = decode_canonical(out);
  EXPECT_EQ(v.find("peers")->as_string(), "");
  EXPECT_EQ(v.find("peers6"), nullptr);
}

TEST(AnnounceResponse, DictionaryPeersWithAndWithoutId) {
  std::vector<swarm_peer> peers{v4_peer(9, 80, 'q'), v6_peer()};
  std::string out;
  write_announce_response(out, {}, peers, false, true);
  auto v = decode_canonical(out);
  const auto& list = v.find("peers")->as_list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].find("ip")->as_string(), "10.0.0.9");
  EXPECT_EQ(list[0].find("port")->as_int(), 80);
  EXPECT_EQ(list[0].find("peer id")->as_string(), std::string(20, 'q'));
  EXPECT_EQ(list[1].find("ip")->as_string(), "2001:db8::1");
  out.clear();
  write_announce_response(out, {}, peers, false, false);
  auto w = decode_canonical(out);
  EXPECT_EQ(w.find("peers")->as_list()[0].find("peer id"), nullptr);
}

TEST(AnnounceResponse, Failure) {
  std::string out;
  write_failure_response(out, "missing parameter port");
  EXPECT_EQ(out, "d14:failure reason22:missing parameter porte");
}

TEST(ScrapeResponse, SortedAndDeduplicated) {
  shoal::sha1_digest a, b;
  a.bytes.fill(0xee);
  b.bytes.fill(0x11);
  std::vector<scrape_file> files{{a, {1, 2, 3}}, {b, {4, 5, 6}}, {a, {1, 2, 3}}};
  std::string out;
  write_scrape_response(out, files);
  auto v = decode_canonical(out);
  const auto& f = v.find("files")->as_dict();
  ASSERT_EQ(f.size(), 2u);
  const auto& entry = f.at(std::string(a.view()));
  EXPECT_EQ(entry.find("complete")->as_int(), 1);
  EXPECT_EQ(entry.find("incomplete")->as_int(), 2);
  EXPECT_EQ(entry.find("downloaded")->as_int(), 3);
  files.clear();
  out.clear();
  write_scrape_response(out, files);
  EXPECT_EQ(out, "d5:filesdee");
}
