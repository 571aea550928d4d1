#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "fixtures.hpp"
#include "shoal/rpc/http_rules.hpp"
#include "shoal/rpc/json_writer.hpp"
#include "shoal/rpc/torrent_fields.hpp"

namespace shoal::rpc {
namespace {

torrent_view view_of(const metainfo& m) {
  torrent_view v;
  v.meta = &m;
  v.status.id = 4;
  v.status.name = m.name;
  v.status.state = session::torrent_state::downloading;
  v.status.total_bytes = m.total_length;
  v.status.verified_bytes = 100;
  v.status.piece_count = m.piece_count();
  return v;
}

TEST(JsonWriter, TypesAndEscapes) {
  json_writer w;
  w.begin_object().key("a").value(std::int64_t{1}).key("b").value(0.5).key("c").value("x\"\n\x01")
      .key("d").begin_array().value(true).null().end_array().end_object();
  EXPECT_EQ(w.text(), R"({"a":1,"b":0.5,"c":"x\"\n\u0001","d":[true,null]})");
  json_writer bad;
  bad.value(std::string_view("\xff"));
  EXPECT_EQ(bad.text(), "\"\xEF\xBF\xBD\"");  // invalid UTF-8 replaced
}

TEST(JsonWriter, EscapesInRunsAndKeepsUtf8) {
  std::string out;
  append_json_string(out, "plain name.bin");
  EXPECT_EQ(out, R"("plain name.bin")");
  out.clear();
  append_json_string(out, "a\"b\\c\nd\x01" "e\tf\r");
  EXPECT_EQ(out, R"("a\"b\\c\nd\u0001e\tf\r")");
  out.clear();
  append_json_string(out, "caf\xC3\xA9 \"x\"");  // valid UTF-8 stays as it is, around escapes
  EXPECT_EQ(out, "\"caf\xC3\xA9 \\\"x\\\"\"");
  out.clear();
  append_json_string(out, "a\xff\"");  // invalid UTF-8 replaced, and what follows still escaped
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD\\\"\"");
}

TEST(JsonWriter, RealsAsPrintfSpellsThemWithoutTrailingZeros) {
  // The reals are spelled as "%.4f" (and "%.3e" from 1e15) did before to_chars: rounding, halves, negatives;
  // the fixed form loses its trailing zeros but keeps one decimal.
  for (double d : {0.0, 1.0, -1.0, -2.0, 0.5, 1.0 / 3, 2.0 / 3, 0.00005, 0.00015, 0.99995, 123456.78905, -0.00004,
                   1e14 + 0.5, 999999999999999.0, 1e15, 3.14159e20, -2.5e17, 0.12345, 0.98765432}) {
    json_writer w;
    w.value(d);
    char buf[64];
    std::snprintf(buf, sizeof buf, std::fabs(d) < 1e15 ? "%.4f" : "%.3e", d);
    std::string want = buf;
    if (std::fabs(d) < 1e15)
      while (want.back() == '0' && want[want.size() - 2] != '.') want.pop_back();
    EXPECT_EQ(w.text(), want) << d;
  }
}

TEST(TorrentFields, ListFieldsOfTransmissionRemote) {
  const auto m = test::make_torrent("movie", {{"", 1000}}, 256);
  auto v = view_of(m);
  v.status.eta_seconds = 12;
  const std::vector<std::string> fields{"id", "name", "error", "errorString", "eta", "isFinished", "leftUntilDone",
                                        "peersGettingFromUs", "peersSendingToUs", "rateDownload", "rateUpload",
                                        "sizeWhenDone", "status", "uploadRatio"};
  const auto parts = torrent_rows(fields, false).details();
  ASSERT_TRUE(parts);  // error and errorString read the trackers, peers* the peers; nothing reads files or pieces
  EXPECT_TRUE(parts->trackers);
  EXPECT_TRUE(parts->peers);
  EXPECT_FALSE(parts->files);
  EXPECT_FALSE(parts->pieces);
  EXPECT_FALSE(torrent_rows({"id", "name", "percentDone"}, true).details());
  v.details = session::torrent_details{};
  const auto json = torrent_get_arguments({v}, fields, false, nullptr);
  EXPECT_EQ(json,
            R"({"torrents":[{"id":4,"name":"movie","error":0,"errorString":"","eta":12,"isFinished":false,)"
            R"("leftUntilDone":900,"peersGettingFromUs":0,"peersSendingToUs":0,"rateDownload":0,"rateUpload":0,)"
            R"("sizeWhenDone":1000,"status":4,"uploadRatio":0.0}]})");
}

TEST(TorrentFields, TrackerStatsFromTheLastAnnounce) {
  const auto m = test::make_torrent("t", {{"", 1000}}, 256);
  auto v = view_of(m);
  session::torrent_details d;
  session::tracker_details answered;
  answered.url = "http://tracker.example:6969/announce";
  answered.last_announce_time = 1700000000;
  answered.last_announce_succeeded = true;
  answered.last_announce_result = "Success";
  answered.last_announce_peer_count = 3;
  answered.seeders = 1;
  answered.leechers = 2;
  answered.next_announce_time = 1700001800;
  answered.state = session::tracker_details::announce_state::waiting;
  session::tracker_details refused;
  refused.url = "udp://other.example:80";
  refused.tier = 1;
  refused.refused = true;
  refused.refusal = "unregistered torrent";
  refused.last_announce_time = 1700000001;
  d.trackers = {answered, refused};
  v.details = d;
  const auto json = torrent_get_arguments({v}, {"trackerStats"}, false, nullptr);
  EXPECT_EQ(json,
            R"({"torrents":[{"trackerStats":[)"
            R"({"announce":"http://tracker.example:6969/announce","announceState":1,"host":"http://tracker.example:6969",)"
            R"("id":0,"isBackup":false,"lastAnnounceResult":"Success","lastAnnounceSucceeded":true,)"
            R"("lastAnnouncePeerCount":3,"lastAnnounceTime":1700000000,"leecherCount":2,)"
            R"("nextAnnounceTime":1700001800,"scrape":"http://tracker.example:6969/scrape","seederCount":1,"tier":0},)"
            R"({"announce":"udp://other.example:80","announceState":0,"host":"udp://other.example:80","id":1,)"
            R"("isBackup":false,"lastAnnounceResult":"unregistered torrent","lastAnnounceSucceeded":false,)"
            R"("lastAnnouncePeerCount":0,"lastAnnounceTime":1700000001,"leecherCount":-1,"nextAnnounceTime":0,)"
            R"("scrape":"","seederCount":-1,"tier":1}]}]})");
}

TEST(TorrentFields, MetadataPercentOfAMagnet) {
  const auto m = test::make_torrent("t", {{"", 1000}}, 256);
  auto v = view_of(m);
  EXPECT_EQ(torrent_get_arguments({v}, {"metadataPercentComplete"}, false, nullptr),
            R"({"torrents":[{"metadataPercentComplete":1.0}]})");
  v.status.has_metadata = false;
  v.status.metadata_progress = 0.5;
  EXPECT_EQ(torrent_get_arguments({v}, {"metadataPercentComplete"}, false, nullptr),
            R"({"torrents":[{"metadataPercentComplete":0.5}]})");
  v.status.metadata_progress = 1.0;  // every piece in, not yet installed: not complete until it is
  EXPECT_EQ(torrent_get_arguments({v}, {"metadataPercentComplete"}, false, nullptr),
            R"({"torrents":[{"metadataPercentComplete":0.99}]})");
}

TEST(TorrentFields, TableFormatAndRemoved) {
  const auto m = test::make_torrent("a", {{"", 10}}, 16384);
  auto v = view_of(m);
  std::vector<session::torrent_id> removed{9};
  const auto json = torrent_get_arguments({v}, {"id", "percentDone", "nonsense"}, true, &removed);
  EXPECT_EQ(json, R"({"torrents":[["id","percentDone"],[4,10.0]],"removed":[9]})");
}

TEST(TorrentFields, FilesAndPieces) {
  const auto m = test::make_torrent("d", {{"x", 100}, {"y", 60}}, 64);
  auto v = view_of(m);
  session::torrent_details d;
  d.file_completed = {64, 0};
  d.have = std::string(1, '\x80');
  v.details = d;
  const auto json = torrent_get_arguments({v}, {"files", "pieces", "wanted"}, false, nullptr);
  EXPECT_EQ(json, R"({"torrents":[{"files":[{"bytesCompleted":64,"length":100,"name":"d/x"},)"
                  R"({"bytesCompleted":0,"length":60,"name":"d/y"}],"pieces":"gA==","wanted":[true,true]}]})");
}

TEST(TorrentFields, StatusNumbers) {
  using session::torrent_state;
  EXPECT_EQ(transmission_status(torrent_state::paused), 0);
  EXPECT_EQ(transmission_status(torrent_state::queued_for_check), 1);
  EXPECT_EQ(transmission_status(torrent_state::checking), 2);
  EXPECT_EQ(transmission_status(torrent_state::downloading), 4);
  EXPECT_EQ(transmission_status(torrent_state::seeding), 6);
  EXPECT_EQ(transmission_status(torrent_state::error), 0);
}

TEST(HttpRules, HostCheck) {
  EXPECT_TRUE(host_allowed("localhost:9091", "127.0.0.1", {}));
  EXPECT_TRUE(host_allowed("127.0.0.1:9091", "127.0.0.1", {}));
  EXPECT_TRUE(host_allowed("[::1]:9091", "127.0.0.1", {}));
  EXPECT_TRUE(host_allowed("10.0.0.5:9091", "10.0.0.5", {}));
  EXPECT_TRUE(host_allowed("NAS.lan", "0.0.0.0", {"nas.lan"}));
  EXPECT_FALSE(host_allowed("evil.example:9091", "127.0.0.1", {}));
  EXPECT_FALSE(host_allowed("", "127.0.0.1", {}));
  EXPECT_FALSE(host_allowed("0.0.0.0", "0.0.0.0", {}));
}

TEST(HttpRules, BasicAuthAndCookies) {
  auto c = parse_basic_auth("Basic YWxpY2U6czNjcjN0OmFuZA==");  // alice:s3cr3t:and
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->password, "s3cr3t:and");
  EXPECT_FALSE(parse_basic_auth("Bearer abc"));
  EXPECT_FALSE(parse_basic_auth("Basic !!!"));
  EXPECT_EQ(*cookie_value("a=1; shoal_session=abc; b=2", "shoal_session"), "abc");
  EXPECT_FALSE(cookie_value("a=1", "shoal_session"));
  EXPECT_TRUE(parse_login(R"({"username":"a","password":"b"})"));
  EXPECT_FALSE(parse_login(R"({"username":"a"})"));
}

TEST(HttpRules, WebPathsStayInsideTheRoot) {
  EXPECT_EQ(*web_path("/"), "index.html");
  EXPECT_EQ(*web_path("/app.js?v=2"), "app.js");
  EXPECT_EQ(*web_path("/img/a%20b.png"), "img/a b.png");
  EXPECT_EQ(*web_path("/sub/"), "sub/index.html");
  EXPECT_FALSE(web_path("/../etc/passwd"));
  EXPECT_FALSE(web_path("/a/%2e%2e/%2e%2e/x"));
  EXPECT_FALSE(web_path("/a//b"));
  EXPECT_FALSE(web_path("/a%00b"));
  EXPECT_FALSE(web_path("relative"));
  EXPECT_EQ(content_type("x/app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type("blob"), "application/octet-stream");
}

TEST(HttpRules, FailedLoginsWaitLonger) {
  login_throttle t;
  const auto now = login_throttle::clock::now();
  EXPECT_EQ(t.penalty("1.2.3.4", now).count(), 0);
  t.failed("1.2.3.4", now);
  EXPECT_EQ(t.penalty("1.2.3.4", now).count(), 250);
  t.failed("1.2.3.4", now);
  t.failed("1.2.3.4", now);
  EXPECT_EQ(t.penalty("1.2.3.4", now).count(), 1000);
  for (int i = 0; i < 20; ++i) t.failed("1.2.3.4", now);
  EXPECT_EQ(t.penalty("1.2.3.4", now).count(), 8000);
  EXPECT_EQ(t.penalty("5.6.7.8", now).count(), 0);
  EXPECT_EQ(t.penalty("1.2.3.4", now + std::chrono::minutes(16)).count(), 0);
  t.failed("9.9.9.9", now);
  t.succeeded("9.9.9.9");
  EXPECT_EQ(t.penalty("9.9.9.9", now).count(), 0);
}

}  // namespace
}  // namespace shoal::rpc
