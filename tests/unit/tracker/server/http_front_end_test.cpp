#include <gtest/gtest.h>

#include "shoal/bencode/decode.hpp"
#include "shoal/tracker/server/http_front_end.hpp"

#include "immediate_calls.hpp"

using namespace shoal;
using namespace shoal::tracker;
namespace bencode = shoal::bencode;
using namespace shoal::tracker::testing;

namespace {
std::string hash_param(char c) {
  std::string s;
  for (int i = 0; i < 20; ++i) s += "%" + std::string(1, c) + std::string(1, c);
  return s;
}
std::string announce(char torrent, const std::string& id, int port, int left,
                     const std::string& extra = "") {
  return "/announce?info_hash=" + hash_param(torrent) + "&peer_id=" + id +
         "&port=" + std::to_string(port) + "&left=" + std::to_string(left) + extra;
}

// One logic with its HTTP front end, as the server wires them.
struct service {
  service(tracker_config c, async_swarm_store& store) : logic(c, store), http(logic) {}
  void handle(std::string_view target, const peer_origin& from, std::uint32_t now,
              request_scratch& scratch, http_reply& reply) {
    handle_now(http, target, from, now, scratch, reply);
  }
  void set_filter(std::shared_ptr<const info_hash_list> list, list_mode mode) {
    logic.set_filter(std::move(list), mode);
  }
  std::uint64_t announces() const { return logic.announces(); }
  tracker_logic logic;
  http_front_end http;
};

struct fixture : ::testing::Test {
  std::unique_ptr<async_swarm_store> store = make_immediate_store(make_memory_swarm_store());
  tracker_config config;
  request_scratch scratch;
  http_reply reply;
  peer_origin from{{127, 0, 0, 1}, false};

  bencode::value get(service& s, const std::string& target) {
    s.handle(target, from, 1, scratch, reply);
    EXPECT_EQ(reply.status, 200) << target;
    auto v = bencode::decode(reply.body);
    EXPECT_TRUE(v) << reply.body;
    return v ? *v : bencode::value{};
  }
  std::string failure(service& s, const std::string& target) {
    auto v = get(s, target);
    auto* f = v.find("failure reason");
    return f ? f->as_string() : "(no failure)";
  }
};
}  // namespace

TEST_F(fixture, AnnounceAndPeerLists) {
  config.max_numwant = 2;
  service s(config, *store);
  get(s, announce('a', "-AA0000-000000000001", 1001, 10));
  get(s, announce('a', "-AA0000-000000000002", 1002, 10));
  get(s, announce('a', "-AA0000-000000000003", 1003, 10));
  auto v = get(s, announce('a', "-AA0000-000000000004", 1004, 10, "&compact=1&numwant=100"));
  EXPECT_EQ(v.find("peers")->as_string().size(), 12u);  // capped by max_numwant
  EXPECT_EQ(v.find("incomplete")->as_int(), 4);
  EXPECT_EQ(v.find("interval")->as_int(), 1800);
  v = get(s, announce('a', "-AA0000-000000000004", 1004, 10, "&no_peer_id=1"));
  for (const auto& p : v.find("peers")->as_list()) EXPECT_EQ(p.find("peer id"), nullptr);
  EXPECT_EQ(s.announces(), 5u);
}

TEST_F(fixture, IpParamOnlyWhenAllowed) {
  service plain(config, *store);
  get(plain, announce('b', "-AA0000-000000000001", 1001, 10, "&ip=10.9.8.7"));
  auto v = get(plain, announce('b', "-AA0000-000000000002", 1002, 10));
  EXPECT_EQ(v.find("peers")->as_list()[0].find("ip")->as_string(), "127.0.0.1");
  config.allow_ip_param = true;
  service trusting(config, *store);
  get(trusting, announce('b', "-AA0000-000000000001", 1001, 10, "&ip=10.9.8.7"));
  v = get(trusting, announce('b', "-AA0000-000000000002", 1002, 10));
  EXPECT_EQ(v.find("peers")->as_list()[0].find("ip")->as_string(), "10.9.8.7");
  EXPECT_NE(failure(trusting, announce('b', "-AA0000-000000000002", 1002, 10, "&ip=nonsense"))
                .find("malformed parameter ip"), std::string::npos);
}

TEST_F(fixture, FailuresNameTheParameter) {
  service s(config, *store);
  EXPECT_EQ(failure(s, "/announce"), "missing parameter info_hash");
  EXPECT_EQ(failure(s, announce('a', "short", 1, 1)).substr(0, 27), "malformed parameter peer_id");
}

TEST_F(fixture, ScrapeAndFullScrape) {
  service s(config, *store);
  get(s, announce('a', "-AA0000-000000000001", 1001, 0, "&event=completed"));
  get(s, announce('c', "-AA0000-000000000002", 1002, 5));
  auto v = get(s, "/scrape?info_hash=" + hash_param('a'));
  const auto& files = v.find("files")->as_dict();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->second.find("complete")->as_int(), 1);
  EXPECT_EQ(files.begin()->second.find("downloaded")->as_int(), 1);
  EXPECT_EQ(get(s, "/scrape").find("files")->as_dict().size(), 2u);
  auto v2 = get(s, announce('c', "-AA0000-000000000003", 1003, 5, "&event=completed"));
  EXPECT_EQ(v2.find("complete")->as_int(), 1) << "completed makes a seeder";
  EXPECT_EQ(v2.find("downloaded")->as_int(), 1);
  config.full_scrape = false;
  service strict(config, *store);
  EXPECT_NE(failure(strict, "/scrape").find("full scrape"), std::string::npos);
}

TEST_F(fixture, WhitelistAndBlacklist) {
  service s(config, *store);
  auto list = info_hash_list::parse(std::string(40, 'a') + "\n# comment\n\n", "list.txt");
  ASSERT_TRUE(list) << list.message();
  s.set_filter(std::make_shared<const info_hash_list>(*list), list_mode::whitelist);
  EXPECT_TRUE(get(s, announce('a', "-AA0000-000000000001", 1, 1)).find("peers"));
  EXPECT_EQ(failure(s, announce('b', "-AA0000-000000000001", 1, 1)), "info_hash not in whitelist");
  s.set_filter(std::make_shared<const info_hash_list>(*list), list_mode::blacklist);
  EXPECT_EQ(failure(s, announce('a', "-AA0000-000000000001", 1, 1)), "info_hash is blacklisted");
  s.set_filter(nullptr, list_mode::none);
  EXPECT_TRUE(get(s, announce('a', "-AA0000-000000000001", 1, 1)).find("peers"));
}

TEST(InfoHashList, ErrorsNameFileAndLine) {
  auto bad = info_hash_list::parse(std::string(40, 'a') + "\nnot-hex\n", "wl.txt");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("wl.txt line 2"), std::string::npos) << bad.message();
}

TEST_F(fixture, StatsMetricsAndNotFound) {
  service s(config, *store);
  get(s, announce('a', "-AA0000-000000000001", 1001, 0));
  s.handle("/stats", from, 9, scratch, reply);
  EXPECT_EQ(reply.content_type, "application/json");
  EXPECT_NE(reply.body.find("\"peers\":1"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find("\"seeders\":1"), std::string::npos);
  EXPECT_NE(reply.body.find("\"uptime_seconds\":9"), std::string::npos);
  s.handle("/metrics", from, 9, scratch, reply);
  EXPECT_NE(reply.body.find("\nshoal_tracker_announces_total 1\n"), std::string::npos) << reply.body;
  s.handle("/nope", from, 9, scratch, reply);
  EXPECT_EQ(reply.status, 404);
}

TEST_F(fixture, UnreachableStoreGivesAFailureReasonAndStats503) {
  unreachable_store down;
  service s(config, down);
  EXPECT_EQ(failure(s, announce('a', "-AA0000-000000000001", 1001, 0)), store_unavailable_reason);
  EXPECT_EQ(failure(s, "/scrape?info_hash=" + hash_param('a')), store_unavailable_reason);
  s.handle("/stats", from, 9, scratch, reply);
  EXPECT_EQ(reply.status, 503);
}
