// One conformance suite over the asynchronous store interface, run against every store:
// the in-memory one and a Redis one backed by a redis-server this file starts itself on a
// free loopback port (no persistence) and stops after.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "shoal/tracker/server/async_swarm_store.hpp"
#include "shoal/tracker/server/redis_swarm_store.hpp"
#include "store_test_data.hpp"

extern char** environ;

using namespace shoal;
using namespace shoal::tracker;
using namespace shoal::tracker::testing;
using namespace std::chrono_literals;

namespace {

// A redis-server child on a free loopback port, without persistence.
class redis_server {
 public:
  static bool installed() { return ::access(path(), X_OK) == 0; }

  redis_server() : port_(free_port()) { start(); }
  ~redis_server() { stop(); }

  std::uint16_t port() const { return port_; }

  void start() {
    std::string port = std::to_string(port_);
    std::vector<std::string> args{path(), "--port", port, "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no",
                                  "--daemonize", "no", "--loglevel", "warning",
                                  "--dir", "/tmp"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t quiet;
    ::posix_spawn_file_actions_init(&quiet);
    ::posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
    int rc = ::posix_spawn(&pid_, path(), &quiet, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&quiet);
    ASSERT_EQ(rc, 0) << "cannot start redis-server";
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!accepts()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "redis-server did not start";
      std::this_thread::sleep_for(20ms);
    }
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  static const char* path() { return "/usr/bin/redis-server"; }

  static std::uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
  }

  bool accepts() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port_);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }

  std::uint16_t port_;
  pid_t pid_ = -1;
};

// One store under test, with whatever it needs to run.
class store_harness {
 public:
  virtual ~store_harness() = default;
  virtual async_swarm_store& store() = 0;
  // Makes the store unreachable, or returns false when it cannot be (the memory store).
  virtual bool take_down() { return false; }
  virtual void bring_back() {}
};

class memory_harness final : public store_harness {
 public:
  async_swarm_store& store() override { return *store_; }

 private:
  std::unique_ptr<async_swarm_store> store_ =
      make_immediate_store(make_memory_swarm_store(4, 42));
};

class redis_harness final : public store_harness {
 public:
  // Every test gets its own key prefix on the one shared server.
  redis_harness(redis_server& server, int test_number) : server_(server) {
    redis_store_options o;
    o.port = server.port();
    o.key_prefix = "conformance" + std::to_string(test_number) + ":";
    o.connections = 2;
    auto made = make_redis_swarm_store(io_, o);
    EXPECT_TRUE(made) << made.message();
    store_ = std::move(*made);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~redis_harness() override {
    work_.reset();
    io_.stop();
    thread_.join();
    store_.reset();
  }

  async_swarm_store& store() override { return *store_; }
  bool take_down() override {
    server_.stop();
    return true;
  }
  void bring_back() override { server_.start(); }

 private:
  redis_server& server_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<async_swarm_store> store_;
  std::thread thread_;
};

redis_server* shared_redis = nullptr;

class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static int tests = 0;
    if (GetParam() == "memory") {
      harness_ = std::make_unique<memory_harness>();
      return;
    }
    if (!redis_server::installed()) {
      GTEST_SKIP() << "redis-server is not installed (/usr/bin/redis-server): "
                      "apt-get install redis-server to run the Redis store's conformance";
    }
    if (!shared_redis) shared_redis = new redis_server;
    harness_ = std::make_unique<redis_harness>(*shared_redis, ++tests);
    wait_until_up();
  }

  void TearDown() override { harness_.reset(); }

  async_swarm_store& store() { return harness_->store(); }

  // The store connects in the background: a first call may find it not yet connected.
  void wait_until_up() {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!totals_status()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "store never came up";
      std::this_thread::sleep_for(20ms);
    }
  }

  store_status totals_status() {
    std::promise<store_status> p;
    store().totals([&](const store_status& st, const store_totals&) { p.set_value(st); });
    return wait(p);
  }

  template <class T>
  static T wait(std::promise<T>& p) {
    auto f = p.get_future();
    if (f.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "store call never completed";
      std::abort();  // the callback would write into a dead frame
    }
    return f.get();
  }

  swarm_counts announce(const peer_announce& a, std::size_t want, std::vector<swarm_peer>& out) {
    std::promise<std::pair<store_status, swarm_counts>> p;
    store().announce(a, want, out, [&](const store_status& st, const swarm_counts& c) {
      p.set_value({st, c});
    });
    auto [st, c] = wait(p);
    EXPECT_TRUE(st) << st.message;
    return c;
  }

  swarm_counts scrape(int torrent) {
    std::vector<scrape_file> out;
    auto h = torrent_hash(torrent);
    std::promise<store_status> p;
    store().scrape({&h, 1}, out, [&](const store_status& st) { p.set_value(st); });
    auto st = wait(p);
    EXPECT_TRUE(st) << st.message;
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? swarm_counts{} : out[0].counts;
  }

  std::vector<scrape_file> scrape_all() {
    std::vector<scrape_file> out;
    std::promise<store_status> p;
    store().scrape_all(out, [&](const store_status& st) { p.set_value(st); });
    auto st = wait(p);
    EXPECT_TRUE(st) << st.message;
    return out;
  }

  std::size_t expire(std::uint32_t cutoff) {
    std::promise<std::pair<store_status, std::size_t>> p;
    store().expire(cutoff, [&](const store_status& st, std::size_t n) { p.set_value({st, n}); });
    auto [st, n] = wait(p);
    EXPECT_TRUE(st) << st.message;
    return n;
  }

  store_totals totals() {
    std::promise<std::pair<store_status, store_totals>> p;
    store().totals([&](const store_status& st, const store_totals& t) { p.set_value({st, t}); });
    auto [st, t] = wait(p);
    EXPECT_TRUE(st) << st.message;
    return t;
  }

  std::unique_ptr<store_harness> harness_;
};

TEST_P(StoreConformance, AnnounceReturnsOthersNotSelf) {
  std::vector<swarm_peer> out;
  auto c = announce(announce_of(1, 1, false), 50, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(c.incomplete, 1);
  EXPECT_EQ(c.complete, 0);
  announce(announce_of(1, 2, false), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, peer(1));
  EXPECT_EQ(out[0].port, 6001);
  EXPECT_FALSE(out[0].v6);
  EXPECT_EQ(out[0].ip[3], 2);
  c = announce(announce_of(1, 3, true), 50, out);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 2);
  EXPECT_EQ(out.size(), 2u);
  for (const auto& p : out) EXPECT_NE(p.id, peer(3));
  // A re-announce updates the peer instead of adding one.
  auto moved = announce_of(1, 2, false);
  moved.port = 7777;
  c = announce(moved, 50, out);
  EXPECT_EQ(c.complete + c.incomplete, 3);
  announce(announce_of(1, 3, true), 50, out);
  std::set<std::uint16_t> ports;
  for (const auto& p : out) ports.insert(p.port);
  EXPECT_EQ(ports, (std::set<std::uint16_t>{6001, 7777}));
  auto t = totals();
  EXPECT_EQ(t.torrents, 1u);
  EXPECT_EQ(t.peers, 3u);
  EXPECT_EQ(t.seeders, 1u);
}

TEST_P(StoreConformance, NumwantBoundsARandomDistinctSample) {
  std::vector<swarm_peer> out;
  for (int i = 0; i < 100; ++i) announce(announce_of(2, i, i % 4 == 0), 0, out);
  EXPECT_TRUE(out.empty()) << "numwant 0 gives no peers";
  std::set<std::uint16_t> first;
  for (int round = 0; round < 20; ++round) {
    announce(announce_of(2, 500, false), 30, out);
    ASSERT_EQ(out.size(), 30u);
    std::set<std::uint16_t> ports;
    for (const auto& p : out) ports.insert(p.port);
    EXPECT_EQ(ports.size(), 30u) << "duplicates in a sample";
    EXPECT_EQ(ports.count(6500), 0u);
    first.insert(out[0].port);
  }
  EXPECT_GT(first.size(), 5u) << "the sample does not vary";
}

TEST_P(StoreConformance, StoppedRemoves) {
  std::vector<swarm_peer> out;
  announce(announce_of(3, 1, true), 0, out);
  announce(announce_of(3, 2, false), 0, out);
  auto c = announce(announce_of(3, 1, true, 101, announce_event::stopped), 50, out);
  EXPECT_TRUE(out.empty()) << "a stopping peer gets no peers";
  EXPECT_EQ(c.complete, 0);
  EXPECT_EQ(c.incomplete, 1);
  announce(announce_of(3, 3, false), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, peer(2));
  announce(announce_of(3, 2, false, 102, announce_event::stopped), 0, out);
  announce(announce_of(3, 3, false, 102, announce_event::stopped), 0, out);
  // Stopping a peer nobody knows changes nothing.
  c = announce(announce_of(3, 9, false, 102, announce_event::stopped), 0, out);
  EXPECT_EQ(c.complete + c.incomplete + c.downloaded, 0);
  auto t = totals();
  EXPECT_EQ(t.torrents, 0u);
  EXPECT_EQ(t.peers, 0u);
  EXPECT_EQ(t.seeders, 0u);
  EXPECT_TRUE(scrape_all().empty());
}

TEST_P(StoreConformance, CompletedCounts) {
  std::vector<swarm_peer> out;
  announce(announce_of(4, 1, false, 100, announce_event::started), 0, out);
  announce(announce_of(4, 2, false, 100, announce_event::started), 0, out);
  auto c = announce(announce_of(4, 1, true, 105, announce_event::completed), 0, out);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 1);
  EXPECT_EQ(c.downloaded, 1);
  c = announce(announce_of(4, 2, true, 106, announce_event::completed), 0, out);
  EXPECT_EQ(c.complete, 2);
  EXPECT_EQ(c.incomplete, 0);
  EXPECT_EQ(c.downloaded, 2);
  c = announce(announce_of(4, 2, true, 107), 0, out);
  EXPECT_EQ(c.downloaded, 2) << "a plain announce is no download";
  EXPECT_EQ(scrape(4).downloaded, 2);
  EXPECT_EQ(totals().seeders, 2u);
}

TEST_P(StoreConformance, SeedersGetOnlyLeechers) {
  std::vector<swarm_peer> out;
  for (int i = 0; i < 10; ++i) announce(announce_of(5, i, i % 2 == 0), 0, out);
  announce(announce_of(5, 100, true), 50, out);
  ASSERT_EQ(out.size(), 5u);
  for (const auto& p : out) EXPECT_EQ((p.port - 6000) % 2, 1) << "a seeder got a seeder";
  announce(announce_of(5, 101, false), 50, out);
  EXPECT_EQ(out.size(), 11u) << "a leecher gets everyone else";
  // A leecher that becomes a seeder moves between the two.
  auto c = announce(announce_of(5, 101, true), 50, out);
  EXPECT_EQ(c.complete, 7);
  EXPECT_EQ(c.incomplete, 5);
  EXPECT_EQ(out.size(), 5u);
}

TEST_P(StoreConformance, ScrapeCounts) {
  std::vector<swarm_peer> out;
  announce(announce_of(7, 1, true), 0, out);
  announce(announce_of(7, 2, false), 0, out);
  announce(announce_of(8, 3, true, 100, announce_event::completed), 0, out);
  auto c = scrape(7);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.incomplete, 1);
  EXPECT_EQ(c.downloaded, 0);
  c = scrape(8);
  EXPECT_EQ(c.complete, 1);
  EXPECT_EQ(c.downloaded, 1);
  c = scrape(9);
  EXPECT_EQ(c.complete + c.incomplete + c.downloaded, 0);
  // Several hashes at once keep their order.
  std::vector<shoal::sha1_digest> hashes{torrent_hash(8), torrent_hash(9), torrent_hash(7)};
  std::vector<scrape_file> files;
  std::promise<store_status> p;
  store().scrape(hashes, files, [&](const store_status& st) { p.set_value(st); });
  ASSERT_TRUE(wait(p));
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].info_hash, torrent_hash(8));
  EXPECT_EQ(files[1].counts.complete + files[1].counts.incomplete, 0);
  EXPECT_EQ(files[2].counts.incomplete, 1);
  auto all = scrape_all();
  ASSERT_EQ(all.size(), 2u);
  std::set<shoal::sha1_digest> seen{all[0].info_hash, all[1].info_hash};
  EXPECT_EQ(seen, (std::set<shoal::sha1_digest>{torrent_hash(7), torrent_hash(8)}));
}

TEST_P(StoreConformance, ExpiryRemovesSilentPeers) {
  std::vector<swarm_peer> out;
  for (int i = 0; i < 50; ++i) announce(announce_of(i % 5, i, i % 3 == 0, 10), 0, out);
  for (int i = 0; i < 50; i += 5) announce(announce_of(0, i, i % 3 == 0, 100), 0, out);
  EXPECT_EQ(totals().peers, 50u);
  EXPECT_EQ(expire(50), 40u);
  auto t = totals();
  EXPECT_EQ(t.torrents, 1u);
  EXPECT_EQ(t.peers, 10u);
  EXPECT_EQ(t.seeders, 4u);  // 0, 15, 30, 45
  EXPECT_EQ(scrape(1).incomplete, 0);
  announce(announce_of(0, 999, false, 100), 50, out);
  EXPECT_EQ(out.size(), 10u);
  EXPECT_EQ(expire(100), 0u) << "a peer seen at the cutoff stays";
  EXPECT_EQ(expire(1000), 11u);
  EXPECT_EQ(totals().torrents, 0u);
  EXPECT_TRUE(scrape_all().empty());
}

TEST_P(StoreConformance, ManyTorrents) {
  std::vector<swarm_peer> out;
  const int torrents = 1200;  // more than one page of a full scrape
  for (int t = 0; t < torrents; ++t) {
    announce(announce_of(t, t, false), 0, out);
    announce(announce_of(t, t + 5000, t % 2 == 0), 0, out);
  }
  auto all = scrape_all();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(torrents));
  std::set<shoal::sha1_digest> distinct;
  for (const auto& f : all) {
    distinct.insert(f.info_hash);
    EXPECT_EQ(f.counts.complete + f.counts.incomplete, 2);
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(torrents));
  auto t = totals();
  EXPECT_EQ(t.torrents, static_cast<std::uint64_t>(torrents));
  EXPECT_EQ(t.peers, static_cast<std::uint64_t>(2 * torrents));
  EXPECT_EQ(t.seeders, static_cast<std::uint64_t>(torrents / 2));
  announce(announce_of(17, 9999, false), 50, out);
  ASSERT_EQ(out.size(), 2u) << "torrents do not mix";
  for (const auto& p : out) EXPECT_TRUE(p.id == peer(17) || p.id == peer(5017));
}

TEST_P(StoreConformance, V4AndV6) {
  std::vector<swarm_peer> out;
  auto v6 = announce_of(11, 1, false);
  v6.v6 = true;
  v6.ip = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd};
  v6.port = 51413;
  announce(v6, 0, out);
  announce(announce_of(11, 2, true), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].v6);
  EXPECT_EQ(out[0].ip, v6.ip);
  EXPECT_EQ(out[0].port, 51413);
  announce(v6, 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].v6);
  EXPECT_EQ(out[0].ip[0], 127);
  EXPECT_EQ(out[0].port, 6002);
}

TEST_P(StoreConformance, SharedKeyFirstProposalWins) {
  std::promise<std::pair<store_status, std::string>> a, b;
  store().shared_key("k", "first", [&](const store_status& st, const std::string& k) {
    a.set_value({st, k});
  });
  auto [sa, ka] = wait(a);
  ASSERT_TRUE(sa) << sa.message;
  EXPECT_EQ(ka, "first");
  store().shared_key("k", "second", [&](const store_status& st, const std::string& k) {
    b.set_value({st, k});
  });
  auto [sb, kb] = wait(b);
  ASSERT_TRUE(sb) << sb.message;
  // A process-local store has nobody to agree with; a shared one keeps the first.
  EXPECT_EQ(kb, GetParam() == "memory" ? "second" : "first");
}

TEST_P(StoreConformance, FailsFastWhileDownAndRecovers) {
  std::vector<swarm_peer> out;
  announce(announce_of(12, 1, false), 0, out);
  if (!harness_->take_down()) GTEST_SKIP() << GetParam() << " store cannot be unreachable";
  for (int i = 0; i < 5; ++i) {
    auto start = std::chrono::steady_clock::now();
    std::promise<store_status> p;
    store().announce(announce_of(12, 2, false), 50, out,
                     [&](const store_status& st, const swarm_counts&) { p.set_value(st); });
    auto st = wait(p);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(st.code, store_errc::unavailable) << st.message;
    EXPECT_FALSE(st.message.empty());
    std::this_thread::sleep_for(100ms);
  }
  harness_->bring_back();  // an empty Redis: it kept nothing
  wait_until_up();
  announce(announce_of(12, 3, false), 50, out);
  EXPECT_TRUE(out.empty());
  announce(announce_of(12, 4, false), 50, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, peer(3));
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance, ::testing::Values("memory", "redis"),
                         [](const auto& info) { return info.param; });

// The Redis server outlives every test and goes with the process.
struct redis_cleanup : ::testing::Environment {
  void TearDown() override {
    delete shared_redis;
    shared_redis = nullptr;
  }
};
const auto* cleanup_env = ::testing::AddGlobalTestEnvironment(new redis_cleanup);

}  // namespace
