#include "shoal/daemon/config.hpp"

#include <gtest/gtest.h>

namespace shoal::daemon {
namespace {

TEST(config, reads_every_key) {
  auto c = parse_config(R"({"download-dir": "/srv/dl", "rpc-bind": "0.0.0.0", "rpc-port": 9092, "peer-port": 0,
    "watch-dir": "/srv/watch", "allowed-roots": ["/srv/a", "/srv/b"], "rpc-host-whitelist": ["box.lan"],
    "speed-limit-down": 100, "speed-limit-up": 50, "peer-limit-global": 300, "peer-limit-per-torrent": 40,
    "log-level": "debug", "dht-enabled": false, "dht-port": 6882,
    "dht-bootstrap": ["127.0.0.1:6881", "router.example:6881", "[::1]:7000"]})");
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->download_dir, "/srv/dl");
  EXPECT_EQ(c->rpc_bind, "0.0.0.0");
  EXPECT_EQ(c->rpc_port, 9092);
  EXPECT_EQ(c->peer_port, 0);
  EXPECT_EQ(c->watch_dir, "/srv/watch");
  EXPECT_EQ(c->allowed_roots, (std::vector<std::string>{"/srv/a", "/srv/b"}));
  EXPECT_EQ(c->rpc_host_whitelist, (std::vector<std::string>{"box.lan"}));
  EXPECT_EQ(c->speed_limit_down, 100u);
  EXPECT_EQ(c->speed_limit_up, 50u);
  EXPECT_EQ(c->peer_limit_global, 300u);
  EXPECT_EQ(c->peer_limit_per_torrent, 40u);
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->dht_enabled, false);
  EXPECT_EQ(c->dht_port, 6882);
  EXPECT_EQ(c->dht_bootstrap, (std::vector<std::string>{"127.0.0.1:6881", "router.example:6881", "[::1]:7000"}));
}

TEST(config, empty_object_means_defaults) {
  auto c = parse_config("{}");
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(*c, daemon_config{});
  auto s = resolve_config(*c);
  EXPECT_EQ(s.rpc_bind, "127.0.0.1");
  EXPECT_EQ(s.rpc_port, 9091);
  EXPECT_EQ(s.peer_port, 51413);
  EXPECT_EQ(s.log_level, "info");
  EXPECT_TRUE(s.download_dir.empty());
  EXPECT_TRUE(s.dht_enabled);
  EXPECT_EQ(s.dht_port, 0);  // the peer port
  EXPECT_TRUE(s.dht_bootstrap.empty());  // the public routers
}

void expect_refused(std::string_view json, std::string_view naming) {
  auto c = parse_config(json);
  ASSERT_FALSE(c) << json;
  EXPECT_EQ(c.code(), error_code::invalid_data);
  EXPECT_NE(c.message().find(naming), std::string::npos) << c.message();
}

TEST(config, unknown_key_is_named) { expect_refused(R"({"rpc-port": 1, "speed-limit": 3})", "\"speed-limit\": unknown key"); }

TEST(config, wrong_types_are_named) {
  expect_refused(R"({"rpc-port": "9091"})", "\"rpc-port\"");
  expect_refused(R"({"rpc-port": 0})", "\"rpc-port\"");
  expect_refused(R"({"rpc-port": 65536})", "\"rpc-port\"");
  expect_refused(R"({"peer-port": -1})", "\"peer-port\"");
  expect_refused(R"({"speed-limit-down": 1.5})", "\"speed-limit-down\"");
  expect_refused(R"({"download-dir": 3})", "\"download-dir\"");
  expect_refused(R"({"allowed-roots": "/srv"})", "\"allowed-roots\"");
  expect_refused(R"({"rpc-host-whitelist": ["a", 2]})", "\"rpc-host-whitelist\"");
  expect_refused(R"({"log-level": "loud"})", "\"log-level\"");
  expect_refused(R"({"peer-limit-global": true})", "\"peer-limit-global\"");
  expect_refused(R"({"dht-enabled": 1})", "\"dht-enabled\": must be true or false");
  expect_refused(R"({"dht-port": 0})", "\"dht-port\"");
  expect_refused(R"({"dht-bootstrap": "a:1"})", "\"dht-bootstrap\": must be an array of strings");
  expect_refused(R"({"dht-bootstrap": ["a:1", "b"]})", "\"dht-bootstrap\": \"b\" is not HOST:PORT");
  expect_refused(R"({"dht-bootstrap": [":1"]})", "\"dht-bootstrap\": \":1\" is not HOST:PORT");
  expect_refused(R"({"dht-bootstrap": ["a:0"]})", "\"dht-bootstrap\": \"a:0\" is not HOST:PORT");
  expect_refused(R"({"dht-bootstrap": ["a:65536"]})", "\"dht-bootstrap\": \"a:65536\" is not HOST:PORT");
}

TEST(config, not_an_object_or_not_json) {
  expect_refused("[1, 2]", "JSON object");
  expect_refused("{\"rpc-port\": ", "not valid JSON");
  expect_refused("", "not valid JSON");
}

TEST(config, flags_override_the_file) {
  auto file = parse_config(R"({"rpc-port": 9092, "download-dir": "/a", "log-level": "warn"})");
  ASSERT_TRUE(file);
  daemon_config flags;
  flags.download_dir = "/b";
  flags.peer_port = 6000;
  auto merged = merge_config(*file, flags);
  EXPECT_EQ(merged.download_dir, "/b");   // the flag wins
  EXPECT_EQ(merged.rpc_port, 9092);       // the file's, no flag
  EXPECT_EQ(merged.peer_port, 6000);      // the flag's, nothing in the file
  EXPECT_EQ(merged.log_level, "warn");
  EXPECT_FALSE(merged.watch_dir);
}

TEST(config, encodes_what_it_reads) {
  daemon_config c;
  c.download_dir = "/srv/dl \"quoted\"";
  c.rpc_port = 1234;
  c.allowed_roots = std::vector<std::string>{"/x", "/y"};
  c.speed_limit_up = 0;
  c.dht_enabled = false;
  c.dht_port = 7000;
  c.dht_bootstrap = std::vector<std::string>{"127.0.0.1:1"};
  auto again = parse_config(encode_config(c));
  ASSERT_TRUE(again) << again.message();
  EXPECT_EQ(*again, c);
  EXPECT_EQ(encode_config(daemon_config{}), "{}");
}

}  // namespace
}  // namespace shoal::daemon
