#include "shoal/daemon/resume_saver.hpp"

#include <fstream>
#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "fixtures.hpp"
#include "io_run.hpp"
#include "shoal/session/session.hpp"

namespace shoal::daemon {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class resume_saver_test : public test::scratch_dir {
 protected:
  void SetUp() override {
    scratch_dir::SetUp();
    const std::vector<test::file_spec> files{{"", 5 * 16384 + 10}};
    meta_ = test::make_torrent("movie.bin", files, 16384);
    fs::create_directories(root);
    std::ofstream(root / "movie.bin", std::ios::binary) << test::content_of(files);
    session::session_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.stats_interval = 200ms;
    s_ = std::make_unique<session::session>(io_.get_executor(), o);
    store_ = state_store(dir / "state");
    ASSERT_TRUE(store_.open());
  }
  void TearDown() override {
    if (s_) {
      bool done = false;
      asio::co_spawn(io_, [this, &done]() -> asio::awaitable<void> {
        co_await s_->stop(2s, true);
        done = true;
      }, asio::detached);
      run_until([&] { return done; });
      s_.reset();
      io_.restart();
      io_.run_for(1s);
    }
    scratch_dir::TearDown();
  }
  bool run_until(const std::function<bool()>& done, std::chrono::steady_clock::duration bound = 20s) {
    return shoal::test::run_io_until(io_, done, bound);
  }
  session::torrent_id add() {
    session::torrent_options o;
    o.root = root;
    o.seed_only = true;
    o.hash_threads = 1;
    auto id = s_->add(meta_, o);
    EXPECT_TRUE(id) << id.message();
    return id ? *id : 0;
  }
  std::optional<resume_data> saved() {
    std::ifstream in(store_.resume_path(meta_.info_hash), std::ios::binary);
    if (!in) return std::nullopt;
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    auto r = decode_resume(bytes, meta_);
    if (!r) return std::nullopt;
    return *r;
  }

  asio::io_context io_;
  std::unique_ptr<session::session> s_;
  state_store store_{""};  // set in SetUp, once `dir` exists
  metainfo meta_;
};

TEST_F(resume_saver_test, saves_soon_after_the_check_and_each_state_change) {
  resume_saver saver(*s_, store_, {100ms, 60s});
  const auto id = add();
  ASSERT_TRUE(run_until([&] {
    auto r = saved();
    return r && r->pieces.all();
  })) << "the verified pieces were never saved";
  auto r = saved();
  EXPECT_EQ(r->files, stamp_files(meta_, root));
  EXPECT_FALSE(r->paused);
  const auto after_check = saver.saves();
  EXPECT_GE(after_check, 1u);
  EXPECT_LE(after_check, 3u) << "events in a burst share one write";

  ASSERT_TRUE(s_->pause(id));
  ASSERT_TRUE(run_until([&] {
    auto p = saved();
    return p && p->paused;
  }));
  EXPECT_TRUE(saved()->pieces.all()) << "pausing keeps the pieces known";
  EXPECT_EQ(saver.failures(), 0u);

  ASSERT_TRUE(s_->remove(id, false));
  ASSERT_TRUE(store_.remove(meta_.info_hash));
  const auto before = saver.saves();
  io_.run_for(300ms);
  EXPECT_EQ(saver.saves(), before) << "nothing is written for a removed torrent";
  EXPECT_FALSE(fs::exists(store_.resume_path(meta_.info_hash)));
  auto gone = saver.save(id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.code(), error_code::not_found);
}

TEST_F(resume_saver_test, save_all_writes_every_torrent_now) {
  resume_saver saver(*s_, store_, {1h, 1h});  // nothing is ever due by itself
  const auto id = add();
  ASSERT_TRUE(run_until([&] {
    auto st = s_->status_of(id);
    return st && st->state == session::torrent_state::seeding;
  }));
  io_.run_for(200ms);
  EXPECT_EQ(saver.saves(), 0u);
  EXPECT_FALSE(saved());
  saver.save_all();
  EXPECT_EQ(saver.saves(), 1u);
  auto r = saved();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->pieces.all());
  EXPECT_EQ(r->root, root.string());
  saver.save_all();
  EXPECT_EQ(saver.saves(), 1u) << "the same bytes are not written again";
}

}  // namespace
}  // namespace shoal::daemon
