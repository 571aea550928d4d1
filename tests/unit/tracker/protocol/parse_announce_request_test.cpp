#include <gtest/gtest.h>

#include <string>

#include "shoal/tracker/protocol/announce_request.hpp"
#include "shoal/tracker/protocol/query_params.hpp"
#include "shoal/tracker/protocol/scrape_query.hpp"

using namespace shoal;
using namespace shoal::tracker;

namespace {
std::string enc(std::string_view raw) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : raw) {
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}
const std::string hash20 = std::string("\x00\x01\x02+%&=\xff", 8) + "abcdefghijkl";
const std::string base = "info_hash=" + enc(hash20) + "&peer_id=-SH0100-abcdefghijkl&port=6881&left=5";

std::string error_of(const std::string& q) {
  auto r = parse_announce_request(q);
  EXPECT_FALSE(r) << q;
  return r ? "" : r.message();
}
}  // namespace

TEST(QueryParams, WalksAndDecodes) {
  query_walker w("a=1&&b=%41%42&c&d=");
  auto p = w.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "a");
  EXPECT_EQ(p->value, "1");
  p = w.next();
  EXPECT_EQ(p->name, "b");
  std::uint8_t buf[4];
  auto n = percent_decode(p->value, buf, sizeof buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), *n), "AB");
  p = w.next();
  EXPECT_EQ(p->name, "c");
  EXPECT_EQ(p->value, "");
  p = w.next();
  EXPECT_EQ(p->name, "d");
  EXPECT_FALSE(w.next());
}

TEST(QueryParams, RejectsBadEscapesAndOverflow) {
  std::uint8_t buf[4];
  EXPECT_FALSE(percent_decode("%4", buf, 4));
  EXPECT_FALSE(percent_decode("%zz", buf, 4));
  EXPECT_FALSE(percent_decode("abcde", buf, 4));
  EXPECT_EQ(*percent_decode("a+b", buf, 4), 3u);
  EXPECT_EQ(buf[1], '+');
  EXPECT_FALSE(parse_decimal("-1"));
  EXPECT_FALSE(parse_decimal("+1"));
  EXPECT_FALSE(parse_decimal("1x"));
  EXPECT_FALSE(parse_decimal("99999999999999999999"));
  EXPECT_EQ(*parse_decimal("9223372036854775807"), INT64_MAX);
}

TEST(AnnounceQuery, ParsesAllFields) {
  auto r = parse_announce_request(base + "&uploaded=10&downloaded=20&event=started&numwant=7"
                                       "&compact=1&no_peer_id=1&key=k%41y&ip=1.2.3.4&extra=x");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->info_hash.view(), hash20);
  EXPECT_EQ(std::string(r->peer_id.begin(), r->peer_id.end()), "-SH0100-abcdefghijkl");
  EXPECT_EQ(r->port, 6881);
  EXPECT_EQ(r->uploaded, 10);
  EXPECT_EQ(r->downloaded, 20);
  EXPECT_EQ(r->left, 5);
  EXPECT_EQ(r->event, announce_event::started);
  EXPECT_EQ(r->numwant, 7);
  EXPECT_TRUE(r->compact);
  EXPECT_TRUE(r->no_peer_id);
  EXPECT_EQ(r->key, "k%41y");
  EXPECT_EQ(r->ip, "1.2.3.4");
}

TEST(AnnounceQuery, Defaults) {
  auto r = parse_announce_request(base);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->event, announce_event::none);
  EXPECT_EQ(r->numwant, -1);
  EXPECT_FALSE(r->compact);
  EXPECT_FALSE(r->no_peer_id);
  EXPECT_EQ(r->uploaded, 0);
  for (auto ev : {"stopped", "completed", "", "empty"}) {
    EXPECT_TRUE(parse_announce_request(base + "&event=" + ev)) << ev;
  }
}

TEST(AnnounceQuery, MissingFieldsAreNamed) {
  EXPECT_EQ(error_of("peer_id=-SH0100-abcdefghijkl&port=1&left=0"), "missing parameter info_hash");
  EXPECT_EQ(error_of("info_hash=" + enc(hash20) + "&port=1&left=0"), "missing parameter peer_id");
  EXPECT_EQ(error_of("info_hash=" + enc(hash20) + "&peer_id=-SH0100-abcdefghijkl&left=0"),
            "missing parameter port");
  EXPECT_EQ(error_of("info_hash=" + enc(hash20) + "&peer_id=-SH0100-abcdefghijkl&port=1"),
            "missing parameter left");
  EXPECT_EQ(error_of(""), "missing parameter info_hash");
}

TEST(AnnounceQuery, WrongLengthsAndValuesAreNamed) {
  auto with = [](std::string_view field, std::string_view value) {
    return "info_hash=" + enc(hash20) + "&peer_id=-SH0100-abcdefghijkl&port=6881&left=5&" +
           std::string(field) + "=" + std::string(value);
  };
  EXPECT_NE(error_of("info_hash=" + enc(hash20.substr(0, 19)) + "&peer_id=-SH0100-abcdefghijkl&port=1&left=0")
                .find("malformed parameter info_hash"), std::string::npos);
  EXPECT_NE(error_of("info_hash=" + enc(hash20 + "x") + "&peer_id=-SH0100-abcdefghijkl&port=1&left=0")
                .find("malformed parameter info_hash"), std::string::npos);
  EXPECT_NE(error_of("info_hash=%zz&peer_id=-SH0100-abcdefghijkl&port=1&left=0")
                .find("info_hash"), std::string::npos);
  EXPECT_NE(error_of("info_hash=" + enc(hash20) + "&peer_id=short&port=1&left=0")
                .find("malformed parameter peer_id"), std::string::npos);
  EXPECT_NE(error_of(with("uploaded", "-3")).find("malformed parameter uploaded"), std::string::npos);
  EXPECT_NE(error_of(with("event", "paused")).find("malformed parameter event"), std::string::npos);
  EXPECT_NE(error_of(with("compact", "2")).find("malformed parameter compact"), std::string::npos);
  EXPECT_NE(error_of(with("numwant", "many")).find("malformed parameter numwant"), std::string::npos);
  for (auto bad : {"0", "65536", "", "80a"}) {
    std::string q = "info_hash=" + enc(hash20) + "&peer_id=-SH0100-abcdefghijkl&left=0&port=" + bad;
    EXPECT_NE(error_of(q).find("malformed parameter port"), std::string::npos) << bad;
  }
}

TEST(AnnounceQuery, RepeatedParametersAreRefused) {
  EXPECT_EQ(error_of(base + "&port=6882"), "repeated parameter port");
  EXPECT_EQ(error_of(base + "&info_hash=" + enc(hash20)), "repeated parameter info_hash");
  EXPECT_EQ(error_of(base + "&event=started&event=stopped"), "repeated parameter event");
}

TEST(ScrapeQuery, CollectsHashes) {
  std::vector<shoal::sha1_digest> hashes;
  ASSERT_TRUE(parse_scrape_query("", hashes));
  EXPECT_TRUE(hashes.empty());
  std::string other(20, 'z');
  ASSERT_TRUE(parse_scrape_query("info_hash=" + enc(hash20) + "&x=1&info_hash=" + other, hashes));
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes[0].view(), hash20);
  EXPECT_EQ(hashes[1].view(), other);
  auto bad = parse_scrape_query("info_hash=abc", hashes);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("info_hash"), std::string::npos);
  std::string many;
  for (std::size_t i = 0; i <= max_scrape_hashes; ++i) many += "info_hash=" + other + "&";
  auto too_many = parse_scrape_query(many, hashes);
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.message().find("too many"), std::string::npos);
}
