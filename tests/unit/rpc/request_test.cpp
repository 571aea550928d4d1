#include <gtest/gtest.h>

#include "shoal/rpc/base64.hpp"
#include "shoal/rpc/request.hpp"

namespace shoal::rpc {
namespace {

TEST(Base64, RoundTripsEveryLength) {
  std::string s;
  for (int n = 0; n < 40; ++n) {
    auto back = base64_decode(base64_encode(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
    s += static_cast<char>(n * 37 + 5);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
}

TEST(Base64, RefusesGarbage) {
  EXPECT_FALSE(base64_decode("not base64!"));
  EXPECT_FALSE(base64_decode("Zm9v=YmFy"));  // data after padding
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64_decode("Zm9=="));       // wrong padding
  EXPECT_EQ(*base64_decode("Zm9v\nYmFy"), "foobar");  // line breaks are skipped
}

TEST(Request, MalformedJsonIsAnError) {
  auto r = parse_request("{\"method\": ");
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("malformed JSON body"), std::string::npos);
  EXPECT_FALSE(parse_request("[1,2]"));
  EXPECT_FALSE(parse_request("{}"));  // no method
  EXPECT_FALSE(parse_request(R"({"method":"torrent-get","arguments":[]})"));
}

TEST(Request, UnknownMethodKeepsItsNameAndTag) {
  auto r = parse_request(R"({"method":"torrent-frobnicate","tag":7})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->what, method::unknown);
  EXPECT_EQ(r->method_name, "torrent-frobnicate");
  EXPECT_EQ(r->tag, 7);
}

TEST(Request, IdsInEveryForm) {
  auto bare = parse_request(R"({"method":"torrent-stop","arguments":{"ids":3}})");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->ids.what, id_selector::kind::listed);
  EXPECT_EQ(bare->ids.ids, std::vector<session::torrent_id>{3});

  auto list = parse_request(
      R"({"method":"torrent-start","arguments":{"ids":[1,"0123456789abcdef0123456789ABCDEF01234567"]}})");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->ids.ids, std::vector<session::torrent_id>{1});
  ASSERT_EQ(list->ids.hashes.size(), 1u);
  EXPECT_EQ(list->ids.hashes[0].hex(), "0123456789abcdef0123456789abcdef01234567");

  auto recent = parse_request(R"({"method":"torrent-get","arguments":{"ids":"recently-active","fields":["id"]}})");
  ASSERT_TRUE(recent);
  EXPECT_EQ(recent->ids.what, id_selector::kind::recently_active);

  auto all = parse_request(R"({"method":"torrent-verify"})");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->ids.what, id_selector::kind::all);

  auto bad = parse_request(R"({"method":"torrent-stop","arguments":{"ids":["xyz"]}})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("arguments.ids"), std::string::npos);
  EXPECT_FALSE(parse_request(R"({"method":"torrent-stop","arguments":{"ids":-1}})"));
  EXPECT_FALSE(parse_request(R"({"method":"torrent-stop","arguments":{"ids":{}}})"));
}

TEST(Request, TorrentAdd) {
  auto r = parse_request(R"({"method":"torrent-add","arguments":{"metainfo":"Zm9vYmFy","paused":true,"download-dir":"/x"}})");
  ASSERT_TRUE(r);
  const auto& a = std::get<torrent_add_args>(r->args);
  EXPECT_EQ(*a.metainfo, "foobar");
  EXPECT_TRUE(a.paused);
  EXPECT_EQ(*a.download_dir, "/x");

  auto garbage = parse_request(R"({"method":"torrent-add","arguments":{"metainfo":"@@@not base64@@@"}})");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.message(), "arguments.metainfo: not valid base64");

  EXPECT_FALSE(parse_request(R"({"method":"torrent-add","arguments":{}})"));
  EXPECT_FALSE(parse_request(R"({"method":"torrent-add","arguments":{"filename":5}})"));
  auto by_name = parse_request(R"({"method":"torrent-add","arguments":{"filename":"/tmp/a.torrent","paused":0}})");
  ASSERT_TRUE(by_name);
  EXPECT_FALSE(std::get<torrent_add_args>(by_name->args).paused);
}

TEST(Request, TorrentGetFieldsAndFormat) {
  auto r = parse_request(R"({"method":"torrent-get","arguments":{"fields":["id","name"],"format":"table"}})");
  ASSERT_TRUE(r);
  const auto& a = std::get<torrent_get_args>(r->args);
  EXPECT_EQ(a.fields, (std::vector<std::string>{"id", "name"}));
  EXPECT_TRUE(a.table);
  EXPECT_FALSE(parse_request(R"({"method":"torrent-get","arguments":{"fields":"id"}})"));
  EXPECT_FALSE(parse_request(R"({"method":"torrent-get","arguments":{"fields":["id"],"format":"csv"}})"));
  EXPECT_FALSE(parse_request(R"({"method":"torrent-get","arguments":{}})"));
}

TEST(Request, TorrentSetAndSessionSet) {
  auto r = parse_request(
      R"({"method":"torrent-set","arguments":{"ids":[2],"downloadLimit":100,"downloadLimited":true,"peer-limit":9}})");
  ASSERT_TRUE(r);
  const auto& a = std::get<torrent_set_args>(r->args);
  EXPECT_EQ(a.download_limit, 100);
  EXPECT_EQ(a.download_limited, true);
  EXPECT_EQ(a.peer_limit, 9);
  EXPECT_FALSE(a.upload_limit);
  EXPECT_FALSE(parse_request(R"({"method":"torrent-set","arguments":{"downloadLimit":"fast"}})"));
  EXPECT_FALSE(parse_request(R"({"method":"torrent-set","arguments":{"uploadLimit":-5}})"));

  auto s = parse_request(R"({"method":"session-set","arguments":{"download-dir":"/d","speed-limit-up":5}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(*std::get<session_set_args>(s->args).download_dir, "/d");

  auto alt = parse_request(
      R"({"method":"session-set","arguments":{"alt-speed-down":7,"alt-speed-enabled":true,"peer-limit-global":3}})");
  ASSERT_TRUE(alt);
  const auto& sa = std::get<session_set_args>(alt->args);
  EXPECT_EQ(sa.alt_speed_down, 7);
  EXPECT_EQ(sa.alt_speed_enabled, true);
  EXPECT_EQ(sa.peer_limit_global, 3);
  EXPECT_FALSE(sa.alt_speed_up);
  auto negative = parse_request(R"({"method":"session-set","arguments":{"alt-speed-up":-1}})");
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.message().find("alt-speed-up"), std::string::npos) << negative.message();
  EXPECT_FALSE(parse_request(R"({"method":"session-set","arguments":{"alt-speed-enabled":"yes"}})"));
}

TEST(Request, Create) {
  auto r = parse_request(
      R"({"method":"torrent-create","arguments":{"path":"/srv/a","trackers":["http://t/announce"],"private":true}})");
  ASSERT_TRUE(r);
  const auto& a = std::get<torrent_create_args>(r->args);
  EXPECT_EQ(a.path, "/srv/a");
  EXPECT_TRUE(a.is_private);
  EXPECT_EQ(a.trackers.size(), 1u);
  EXPECT_FALSE(parse_request(R"({"method":"torrent-create","arguments":{}})"));
  EXPECT_FALSE(parse_request(R"({"method":"torrent-create","arguments":{"path":"/a","trackers":[1]}})"));
}

}  // namespace
}  // namespace shoal::rpc
