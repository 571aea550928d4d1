#include "shoal/ui/event_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "shoal/ui/control_command.hpp"

namespace shoal::ui {
namespace {

namespace json = boost::json;
using session::session_event;
using session::torrent_state;

json::object parsed(const std::string& line) {
  EXPECT_EQ(line.find('\n'), std::string::npos);
  return json::parse(line).as_object();
}

TEST(EventJson, StateChange) {
  session_event e;
  e.type = session_event::kind::state_changed;
  e.id = 3;
  e.name = "a\xff.bin";  // not UTF-8: replaced, still valid JSON
  e.from = torrent_state::checking;
  e.to = torrent_state::error;
  e.message = "missing file: x";
  auto o = parsed(format_event_json(e));
  EXPECT_EQ(o.at("event"), "state");
  EXPECT_EQ(o.at("id"), 3);
  EXPECT_EQ(o.at("from"), "checking");
  EXPECT_EQ(o.at("to"), "error");
  EXPECT_EQ(o.at("error"), "missing file: x");
  EXPECT_EQ(o.at("info_hash").as_string().size(), 40u);
}

TEST(EventJson, PiecesAndStats) {
  session_event e;
  e.type = session_event::kind::pieces_verified;
  e.pieces = {4, 5, 9};
  auto o = parsed(format_event_json(e));
  EXPECT_EQ(o.at("event"), "pieces");
  EXPECT_EQ(o.at("pieces").as_array().size(), 3u);
  e.type = session_event::kind::stats;
  e.status.total_bytes = 200;
  e.status.verified_bytes = 50;
  e.status.state = torrent_state::downloading;
  o = parsed(format_event_json(e));
  EXPECT_EQ(o.at("event"), "stats");
  EXPECT_DOUBLE_EQ(o.at("progress").as_double(), 0.25);
  EXPECT_TRUE(o.at("eta").is_null());  // nothing arrives
  EXPECT_EQ(o.at("state"), "downloading");
}

TEST(EventJson, ProcessLines) {
  EXPECT_EQ(parsed(format_listening_json(6881)).at("port"), 6881);
  EXPECT_EQ(parsed(format_exit_json(130)).at("code"), 130);
}

TEST(ControlCommand, ParsesEachCommand) {
  auto add = parse_control_command(R"({"command":"add","torrent":"x.torrent","paused":true})");
  ASSERT_TRUE(add) << add.message();
  EXPECT_EQ(add->what, control_command::kind::add);
  EXPECT_EQ(add->torrent_file, "x.torrent");
  EXPECT_TRUE(add->paused);
  auto rm = parse_control_command(R"({"command":"remove","id":2,"delete_data":true})");
  ASSERT_TRUE(rm) << rm.message();
  EXPECT_EQ(*rm->id, 2u);
  EXPECT_TRUE(rm->delete_data);
  auto by_hash = parse_control_command(
      R"({"command":"pause","info_hash":"0123456789abcdef0123456789abcdef01234567"})");
  ASSERT_TRUE(by_hash) << by_hash.message();
  EXPECT_TRUE(by_hash->info_hash.has_value());
  auto limits = parse_control_command(R"({"command":"limits","id":1,"download_rate":1024,"max_peers":3})");
  ASSERT_TRUE(limits) << limits.message();
  EXPECT_EQ(*limits->download_rate, 1024u);
  EXPECT_FALSE(limits->upload_rate.has_value());
  EXPECT_TRUE(parse_control_command(R"({"command":"stop"})"));
  EXPECT_TRUE(parse_control_command(R"({"command":"status"})"));
}

TEST(ControlCommand, ErrorsNameTheField) {
  auto msg = [](std::string_view line) {
    auto c = parse_control_command(line);
    EXPECT_FALSE(c) << line;
    return c ? std::string() : c.message();
  };
  EXPECT_NE(msg("not json").find("not JSON"), std::string::npos);
  EXPECT_NE(msg("[1]").find("object"), std::string::npos);
  EXPECT_NE(msg(R"({"id":1})").find("\"command\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"frobnicate"})").find("unknown command"), std::string::npos);
  EXPECT_NE(msg(R"({"command":"pause"})").find("\"id\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"pause","id":-1})").find("\"id\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"pause","id":0})").find("\"id\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"pause","info_hash":"xyz"})").find("\"info_hash\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"add"})").find("\"torrent\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"remove","id":1,"delete_data":"yes"})").find("\"delete_data\""), std::string::npos);
  EXPECT_NE(msg(R"({"command":"limits","id":1})").find("limits"), std::string::npos);
  EXPECT_NE(msg(R"({"command":"limits","id":1,"max_peers":1.5})").find("\"max_peers\""), std::string::npos);
}

TEST(ControlCommand, Reply) {
  auto o = json::parse(format_reply_json("pause", false, "no torrent with id 9", 9)).as_object();
  EXPECT_EQ(o.at("event"), "reply");
  EXPECT_EQ(o.at("ok"), false);
  EXPECT_EQ(o.at("error"), "no torrent with id 9");
  EXPECT_EQ(o.at("id"), 9);
}

}  // namespace
}  // namespace shoal::ui
