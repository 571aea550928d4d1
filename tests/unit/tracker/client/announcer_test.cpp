// The announce client against in-process trackers on loopback: HTTP and UDP replies,
// fallback across tiers, promotion within a tier, timeouts, redirects and errors.
#include "shoal/tracker/client/announcer.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>

#include <chrono>
#include <exception>
#include <optional>

#include "loopback_trackers.hpp"
#include "shoal/tracker/client/announce_to.hpp"

namespace shoal {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using testing::http_reply;
using testing::http_tracker;
using testing::udp_tracker_stub;
namespace asio = boost::asio;

// co_spawn's completion handler needs a default-constructible value, which result<T> is
// not, so the task stores its result from inside a void coroutine.
template <class T>
std::optional<T> run(asio::io_context& ioc, asio::awaitable<T> task) {
  std::optional<T> out;
  std::exception_ptr failure;
  auto body = [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(task)); };
  asio::co_spawn(ioc, body(), [&](std::exception_ptr e) {
    failure = e;
    ioc.stop();
  });
  ioc.restart();
  ioc.run_for(30s);
  if (failure) std::rethrow_exception(failure);
  return out;
}

announce_request sample_request() {
  announce_request r;
  for (int i = 0; i < 20; ++i) r.info_hash.bytes[i] = static_cast<std::uint8_t>(0xf0 + i);
  for (int i = 0; i < 20; ++i) r.peer_id[i] = static_cast<std::uint8_t>('a' + i);
  r.port = 6881;
  r.left = 100;
  r.event = announce_event::started;
  return r;
}

const std::string good_body = "d8:intervali900e12:min intervali60e10:tracker id3:T-15:peers6:\x7f\x00\x00\x01\x1a\xe1" "e"s;

TEST(Announcer, HttpTrackerAnswers) {
  asio::io_context ioc;
  http_tracker tracker(ioc, http_reply(good_body));
  announcer a(ioc.get_executor(), {{tracker.url("/announce?passkey=xyz")}}, 5s);
  auto reply = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  ASSERT_EQ((*reply)->peers.size(), 1u);
  EXPECT_EQ((*reply)->peers[0].to_string(), "127.0.0.1:6881");
  EXPECT_EQ(a.next_delay(false), 900s);

  ASSERT_EQ(tracker.targets.size(), 1u);
  EXPECT_EQ(tracker.targets[0].rfind("/announce?passkey=xyz&info_hash=%F0%F1%F2", 0), 0u)
      << tracker.targets[0];
  EXPECT_NE(tracker.targets[0].find("&event=started"), std::string::npos);
  EXPECT_EQ(tracker.targets[0].find("trackerid"), std::string::npos);
  EXPECT_EQ(tracker.hosts[0], tracker.url().substr(7, tracker.url().find('/', 7) - 7));

  // The tracker id from the first reply goes back on the next announce.
  auto second = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(second && *second);
  ASSERT_EQ(tracker.targets.size(), 2u);
  EXPECT_NE(tracker.targets[1].find("&trackerid=T-1"), std::string::npos) << tracker.targets[1];
}

TEST(Announcer, FallsBackAcrossTiers) {
  asio::io_context ioc;
  http_tracker failing(ioc, http_reply("d14:failure reason7:go awaye"));
  http_tracker silent(ioc, "", false);
  http_tracker good(ioc, http_reply(good_body));
  const std::string refused = testing::refused_url(ioc);
  announcer a(ioc.get_executor(),
              {{refused}, {failing.url()}, {silent.url()}, {"https://127.0.0.1:1/a"}, {good.url()}},
              1s);
  const auto start = std::chrono::steady_clock::now();
  auto reply = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  EXPECT_EQ(failing.targets.size(), 1u);
  EXPECT_EQ(silent.targets.size(), 1u);
  EXPECT_EQ(good.targets.size(), 1u);
  // Only the silent tracker costs time, and no more than its timeout (plus slack).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(Announcer, PromotesTheAnsweringTrackerWithinItsTier) {
  asio::io_context ioc;
  http_tracker good(ioc, http_reply(good_body));
  const std::string refused = testing::refused_url(ioc);
  announcer a(ioc.get_executor(), {{refused, good.url()}}, 2s);
  auto reply = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  EXPECT_EQ(a.trackers().tiers()[0], (std::vector<std::string>{good.url(), refused}));
}

TEST(Announcer, OneClearErrorWhenNoTrackerAnswers) {
  asio::io_context ioc;
  http_tracker failing(ioc, http_reply("d14:failure reason7:go awaye"));
  http_tracker missing(ioc, http_reply("not here", "404 Not Found"));
  const std::string refused = testing::refused_url(ioc);
  announcer a(ioc.get_executor(),
              {{refused}, {failing.url()}, {missing.url()}, {"https://example.org/a"}}, 2s);
  auto reply = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(reply);
  ASSERT_FALSE(*reply);
  const std::string& m = reply->message();
  EXPECT_EQ(m.rfind("no tracker answered: ", 0), 0u) << m;
  EXPECT_NE(m.find(refused + ": connect to"), std::string::npos) << m;
  EXPECT_NE(m.find(failing.url() + ": tracker failure: go away"), std::string::npos) << m;
  EXPECT_NE(m.find(missing.url() + ": HTTP 404 Not Found"), std::string::npos) << m;
  EXPECT_NE(m.find("https://example.org/a: https trackers are not supported"), std::string::npos)
      << m;
  EXPECT_EQ(a.next_delay(true), 15s);
  auto again = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(again && !*again);
  EXPECT_EQ(a.next_delay(true), 30s);
  EXPECT_EQ(a.consecutive_failures(), 2);
}

TEST(Announcer, NoTrackersIsAnError) {
  asio::io_context ioc;
  announcer a(ioc.get_executor(), {{""}}, 1s);
  auto reply = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_NE(reply->message().find("no tracker"), std::string::npos);
}

TEST(AnnounceTo, SilentTrackerTimesOut) {
  asio::io_context ioc;
  http_tracker silent(ioc, "", false);
  const auto start = std::chrono::steady_clock::now();
  auto reply = run(ioc, announce_to(ioc.get_executor(), silent.url(), sample_request(), 300ms));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_NE(reply->message().find("timed out"), std::string::npos) << reply->message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(AnnounceTo, FollowsARedirect) {
  asio::io_context ioc;
  http_tracker good(ioc, http_reply(good_body));
  http_tracker mover(ioc, http_reply("", "302 Found", "Location: " + good.url("/moved") + "\r\n"));
  auto reply = run(ioc, announce_to(ioc.get_executor(), mover.url(), sample_request(), 2s));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  ASSERT_EQ(good.targets.size(), 1u);
  EXPECT_EQ(good.targets[0], "/moved");
}

TEST(AnnounceTo, RedirectLoopEnds) {
  asio::io_context ioc;
  http_tracker loop(ioc, "");
  loop.response = http_reply("", "301 Moved Permanently", "Location: /announce\r\n");
  auto reply = run(ioc, announce_to(ioc.get_executor(), loop.url(), sample_request(), 2s));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_NE(reply->message().find("redirects"), std::string::npos) << reply->message();
}

TEST(AnnounceTo, FailureReasonInANon200Body) {
  asio::io_context ioc;
  http_tracker t(ioc, http_reply("d14:failure reason12:unregisterede", "400 Bad Request"));
  auto reply = run(ioc, announce_to(ioc.get_executor(), t.url(), sample_request(), 2s));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_EQ(reply->message(), "tracker failure: unregistered");
}

TEST(AnnounceTo, OversizedBodyIsRefused) {
  asio::io_context ioc;
  http_tracker t(ioc, "HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\nd8:interval");
  auto reply = run(ioc, announce_to(ioc.get_executor(), t.url(), sample_request(), 2s));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_NE(reply->message().find("body exceeds"), std::string::npos) << reply->message();
}

TEST(AnnounceTo, BodyEndingAtConnectionClose) {
  asio::io_context ioc;
  http_tracker t(ioc, "HTTP/1.0 200 OK\r\n\r\n" + good_body);
  auto reply = run(ioc, announce_to(ioc.get_executor(), t.url(), sample_request(), 2s));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  EXPECT_EQ((*reply)->tracker_id, "T-1");
}

TEST(AnnounceTo, UnsupportedSchemes) {
  asio::io_context ioc;
  auto reply = run(ioc, announce_to(ioc.get_executor(), "HTTPS://t/a", sample_request(), 1s));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_EQ(reply->message(), "https trackers are not supported");
  reply = run(ioc, announce_to(ioc.get_executor(), "wss://t/a", sample_request(), 1s));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_NE(reply->message().find("unsupported"), std::string::npos);
}

TEST(UdpAnnounce, ConnectsThenAnnounces) {
  asio::io_context ioc;
  udp_tracker_stub tracker(ioc, "\x0a\x00\x00\x07\x1a\xe2"s);
  auto req = sample_request();
  req.key = "0000abcd";
  auto reply = run(ioc, announce_to(ioc.get_executor(), tracker.url(), req, 3s));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  EXPECT_EQ((*reply)->interval, 600);
  EXPECT_EQ((*reply)->complete, 5);
  EXPECT_EQ((*reply)->incomplete, 2);
  ASSERT_EQ((*reply)->peers.size(), 1u);
  EXPECT_EQ((*reply)->peers[0].to_string(), "10.0.0.7:6882");
  ASSERT_EQ(tracker.announces.size(), 1u);
  const std::string& p = tracker.announces[0];
  ASSERT_EQ(p.size(), 98u);
  EXPECT_EQ(p.substr(0, 8), "\x11\x22\x33\x44\x55\x66\x77\x88"s);
  EXPECT_EQ(p.substr(16, 20), std::string(req.info_hash.view()));
  EXPECT_EQ(p.substr(80, 4), "\x00\x00\x00\x02"s);  // event: started
  EXPECT_EQ(p.substr(88, 4), "\x00\x00\xab\xcd"s);  // key
  EXPECT_EQ(p.substr(96, 2), "\x1a\xe1"s);          // port 6881
}

TEST(UdpAnnounce, ResendsAfterALostPacket) {
  asio::io_context ioc;
  udp_tracker_stub tracker(ioc, "", 1);
  auto reply = run(ioc, announce_to(ioc.get_executor(), tracker.url(), sample_request(), 2s));
  ASSERT_TRUE(reply && *reply) << (reply ? reply->message() : "no result");
  EXPECT_EQ(tracker.received, 3);  // lost connect, connect, announce
}

TEST(UdpAnnounce, SilentTrackerTimesOut) {
  asio::io_context ioc;
  udp_tracker_stub tracker(ioc, "", 1000);
  const auto start = std::chrono::steady_clock::now();
  auto reply = run(ioc, announce_to(ioc.get_executor(), tracker.url(), sample_request(), 700ms));
  ASSERT_TRUE(reply && !*reply);
  EXPECT_NE(reply->message().find("timed out"), std::string::npos) << reply->message();
  EXPECT_EQ(tracker.received, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace shoal

namespace shoal {
namespace {

TEST(Announcer, ARefusingTrackerIsNotAskedAgain) {
  asio::io_context ioc;
  http_tracker refusing(ioc, http_reply("d14:failure reason26:info_hash not in whiteliste"));
  http_tracker good(ioc, http_reply(good_body));
  announcer a(ioc.get_executor(), {{refusing.url("/announce")}, {good.url("/announce")}}, 5s);
  auto first = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(first && *first) << (first ? first->message() : "no result");
  ASSERT_EQ(a.refusals().size(), 1u);
  EXPECT_EQ(a.refusals().begin()->second, "info_hash not in whitelist");
  EXPECT_FALSE(a.no_tracker_can_help()) << "the other tracker answered";
  auto second = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(second && *second);
  EXPECT_EQ(refusing.targets.size(), 1u) << "asked again after refusing";
  EXPECT_EQ(good.targets.size(), 2u);
}

TEST(Announcer, NoTrackerCanHelpOnceEveryOneRefused) {
  asio::io_context ioc;
  http_tracker refusing(ioc, http_reply("d14:failure reason14:not registerede"));
  announcer a(ioc.get_executor(), {{refusing.url("/announce")}}, 5s);
  auto first = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(first && !*first);
  EXPECT_TRUE(a.no_tracker_can_help());
  EXPECT_EQ(a.refusal_text(), refusing.url("/announce") + ": not registered");
  auto second = run(ioc, a.announce(sample_request()));
  ASSERT_TRUE(second && !*second);
  EXPECT_NE((*second).message().find("every tracker refused the torrent"), std::string::npos) << second->message();
  EXPECT_EQ(refusing.targets.size(), 1u);
}

}  // namespace
}  // namespace shoal
