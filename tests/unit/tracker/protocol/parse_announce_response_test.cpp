#include "shoal/tracker/protocol/announce_response.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shoal {
namespace {

using namespace std::string_literals;

TEST(AnnounceReply, CompactPeersAndCounts) {
  auto r = parse_announce_response(
      "d8:completei3e10:incompletei4e8:intervali900e12:min intervali60e"
      "5:peers12:\x7f\x00\x00\x01\x1a\xe1\x0a\x00\x00\x02\x00\x50" "e"s);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->interval, 900);
  EXPECT_EQ(r->min_interval, 60);
  EXPECT_EQ(r->complete, 3);
  EXPECT_EQ(r->incomplete, 4);
  ASSERT_EQ(r->peers.size(), 2u);
  EXPECT_EQ(r->peers[0].to_string(), "127.0.0.1:6881");
  EXPECT_EQ(r->peers[1].to_string(), "10.0.0.2:80");
}

TEST(AnnounceReply, DictionaryPeersSkipHostNamesAndPortZero) {
  auto r = parse_announce_response(
      "d8:intervali30e5:peersl"
      "d2:ip9:127.0.0.17:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti6881ee"
      "d2:ip3:::14:porti7000ee"
      "d2:ip11:example.com4:porti80ee"
      "d2:ip7:1.2.3.44:porti0ee"
      "ee");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->interval, 30);
  ASSERT_EQ(r->peers.size(), 2u);
  EXPECT_EQ(r->peers[0].to_string(), "127.0.0.1:6881");
  EXPECT_EQ(r->peers[1].to_string(), "[::1]:7000");
}

TEST(AnnounceReply, Peers6JoinTheList) {
  std::string v6(18, '\0');
  v6[15] = 1;
  v6[17] = 0x51;
  auto r = parse_announce_response("d5:peers0:6:peers618:" + v6 + "e");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->interval, 1800);  // default when absent
  ASSERT_EQ(r->peers.size(), 1u);
  EXPECT_EQ(r->peers[0].to_string(), "[::1]:81");
}

TEST(AnnounceReply, FailureReasonIsAnError) {
  auto r = parse_announce_response("d14:failure reason17:torrent not founde");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), "tracker failure: torrent not found");
}

TEST(AnnounceReply, WarningAndTrackerId) {
  auto r = parse_announce_response("d8:intervali5e10:tracker id3:xyz15:warning message4:slowe\n");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->tracker_id, "xyz");
  EXPECT_EQ(r->warning, "slow");
  EXPECT_TRUE(r->peers.empty());
}

TEST(AnnounceReply, TruncatedCompactStrings) {
  auto r = parse_announce_response("d5:peers7:abcdefge");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("\"peers\" compact string of 7 bytes is not a multiple of 6"),
            std::string::npos)
      << r.message();
  r = parse_announce_response("d6:peers617:abcdefghijklmnopqe");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("peers6"), std::string::npos) << r.message();
}

TEST(AnnounceReply, BadTypesNameTheField) {
  struct bad_case { std::string body; std::string field; };
  const bad_case cases[] = {
      {"d8:interval3:abce", "\"interval\""},
      {"d8:intervali-5ee", "\"interval\""},
      {"d12:min intervalli1eee", "\"min interval\""},
      {"d8:completei-1ee", "\"complete\""},
      {"d10:tracker idi1ee", "\"tracker id\""},
      {"d15:warning messagedee", "\"warning message\""},
      {"d5:peersi1ee", "\"peers\""},
      {"d6:peers6lee", "\"peers6\""},
      {"d5:peersli1eee", "peers[0]"},
      {"d5:peersld4:porti1eeee", "peers[0].ip"},
      {"d5:peersld2:ip7:1.2.3.44:porti65536eeee", "peers[0].port"},
      {"li1ee", "dictionary"},
  };
  for (const auto& c : cases) {
    auto r = parse_announce_response(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_NE(r.message().find(c.field), std::string::npos) << c.body << " -> " << r.message();
  }
}

TEST(AnnounceReply, MalformedBencodeAndTrailingGarbage) {
  EXPECT_FALSE(parse_announce_response(""));
  EXPECT_FALSE(parse_announce_response("d8:intervali5e"));
  EXPECT_FALSE(parse_announce_response("<html>not found</html>"));
  auto r = parse_announce_response("d8:intervali5eeXYZ");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("trailing"), std::string::npos);
}

TEST(AnnounceReply, OversizedBodyIsRefused) {
  std::string big(max_announce_response_size + 1, 'x');
  auto r = parse_announce_response(big);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("exceeds"), std::string::npos);
}

}  // namespace
}  // namespace shoal
