#pragma once
// The engine in-process (shared by the session's tests): sessions on ONE io_context, a seed and leeches on
// 127.0.0.1, driven through the session API and observed through its events and snapshots. Every wait is bounded.
#include "shoal/session/session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "fixtures.hpp"
#include "io_run.hpp"
#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/file_walk.hpp"
#include "shoal/metainfo/torrent_builder.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using shoal::session::session_event;
using shoal::session::torrent_id;
using shoal::session::torrent_options;
using shoal::session::torrent_state;
using kind = shoal::session::session_event::kind;

namespace {

constexpr std::int64_t piece_length = 32 * 1024;
constexpr std::int64_t file_size = 24 * piece_length + 5000;  // 25 pieces, the last one short
constexpr auto wait_bound = 20s;

using state_pair = std::pair<torrent_state, torrent_state>;

// One session and everything it told its subscriber.
struct node {
  std::unique_ptr<shoal::session::session> s;
  std::vector<session_event> events;

  std::vector<state_pair> transitions(torrent_id id) const {
    std::vector<state_pair> out;
    for (const auto& e : events)
      if (e.type == kind::state_changed && e.id == id) out.emplace_back(e.from, e.to);
    return out;
  }
  std::size_t count(kind k, torrent_id id) const {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.type == k && e.id == id; }));
  }
  bool saw(torrent_id id, torrent_state from, torrent_state to) const {
    const auto t = transitions(id);
    return std::find(t.begin(), t.end(), state_pair{from, to}) != t.end();
  }
  shoal::session::torrent_status status(torrent_id id) const {
    auto st = s->status_of(id);
    EXPECT_TRUE(st.has_value()) << "torrent " << id;
    return st.value_or(shoal::session::torrent_status{});
  }
};

class Engine : public shoal::test::scratch_dir {
 protected:
  void SetUp() override {
    scratch_dir::SetUp();
    content_.resize(static_cast<std::size_t>(file_size));
    std::uint32_t x = 12345;
    for (auto& c : content_) {
      x = x * 1103515245u + 12345u;
      c = static_cast<char>(x >> 24);
    }
    fs::create_directories(dir / "seed");
    std::ofstream(dir / "seed" / "movie.bin", std::ios::binary)
        .write(content_.data(), static_cast<std::streamsize>(content_.size()));
    meta_ = make_metainfo(dir / "seed" / "movie.bin");
  }

  void TearDown() override {
    stop_all();
    scratch_dir::TearDown();
  }

  // The way `shoal mktorrent` makes one: walk the source, hash its pieces, build, parse the bytes back.
  shoal::metainfo make_metainfo(const fs::path& file, bool is_private = false) {
    auto tree = shoal::walk_source(file);
    EXPECT_TRUE(tree) << tree.message();
    std::string hashes;
    for (std::int64_t at = 0; at < file_size; at += piece_length)
      hashes += shoal::sha1(std::string_view(content_).substr(static_cast<std::size_t>(at),
                                                             static_cast<std::size_t>(piece_length)))
                    .str();
    shoal::torrent_spec spec;
    spec.source = &*tree;
    spec.piece_length = piece_length;
    spec.piece_hashes = hashes;
    spec.is_private = is_private;
    auto m = shoal::parse_metainfo(shoal::build_torrent(spec).bytes);
    EXPECT_TRUE(m) << m.message();
    return *m;
  }

  // `tweak` changes the options before the session is made (the DHT's, for instance).
  node& make_session(const std::function<void(shoal::session::session_options&)>& tweak = {}) {
    shoal::session::session_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.hash_threads = 1;
    o.stats_interval = 1s;
    if (tweak) tweak(o);
    auto n = std::make_unique<node>();
    n->s = std::make_unique<shoal::session::session>(io_.get_executor(), o);
    auto* events = &n->events;
    n->s->subscribe([events](const session_event& e) { events->push_back(e); });
    auto st = n->s->listen();
    EXPECT_TRUE(st) << st.message();
    EXPECT_NE(n->s->port(), 0);
    nodes_.push_back(std::move(n));
    return *nodes_.back();
  }

  torrent_options seed_options(std::uint64_t upload_rate = 0, std::size_t slots = 8) {
    torrent_options o;
    o.root = dir / "seed";
    o.seed_only = true;
    o.hash_threads = 1;
    o.upload_rate_limit = upload_rate;
    o.upload_slots = slots;
    return o;
  }

  torrent_options leech_options(const node& seed, const std::string& folder) {
    torrent_options o;
    o.root = dir / folder;
    o.hash_threads = 1;
    o.timeout = 60s;
    auto a = shoal::peer_address::from_ip("127.0.0.1", seed.s->port());
    EXPECT_TRUE(a.has_value());
    if (a) o.peers.push_back(*a);
    return o;
  }

  torrent_id add(node& n, torrent_options o, bool paused = false) {
    auto id = n.s->add(meta_, std::move(o), paused);
    EXPECT_TRUE(id) << id.message();
    return id ? *id : 0;
  }

  // A seed slowed to 128 KiB/s and a leech that has verified a few of its pieces, not all: mid-transfer.
  struct transfer {
    node* seed = nullptr;
    node* leech = nullptr;
    torrent_id sid = 0, lid = 0;
  };
  void start_slow_transfer(transfer& t) {
    t.seed = &make_session();
    t.leech = &make_session();
    t.sid = add(*t.seed, seed_options(128 * 1024));
    ASSERT_TRUE(run_until([&] { return state_is(*t.seed, t.sid, torrent_state::seeding); }));
    t.lid = add(*t.leech, leech_options(*t.seed, "leech"));
    ASSERT_TRUE(run_until([&] { return t.leech->status(t.lid).pieces_have >= 2; }));
    ASSERT_LT(t.leech->status(t.lid).pieces_have, meta_.piece_count());
  }

  // Runs the io_context until `done` holds or `bound` passes; false on the timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::steady_clock::duration bound = wait_bound) {
    return shoal::test::run_io_until(io_, done, bound);
  }

  bool state_is(const node& n, torrent_id id, torrent_state s) {
    auto st = n.s->status_of(id);
    return st && st->state == s;
  }

  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  // Every session stops (co_await stop(), as the commands do) before it is destroyed; then whatever they left on
  // the io_context runs out.
  void stop_all() {
    if (nodes_.empty()) return;
    bool done = false;
    asio::co_spawn(
        io_,
        [this, &done]() -> asio::awaitable<void> {
          for (auto& n : nodes_) co_await n->s->stop(2s, true);
          done = true;
        },
        asio::detached);
    EXPECT_TRUE(run_until([&] { return done; })) << "session::stop did not end within its bound";
    nodes_.clear();
    if (io_.stopped()) io_.restart();
    io_.run_for(5s);
    EXPECT_TRUE(io_.stopped()) << "work left on the io_context after every session was stopped and destroyed";
  }

  asio::io_context io_;
  std::vector<std::unique_ptr<node>> nodes_;
  std::string content_;
  shoal::metainfo meta_;
};

}  // namespace
