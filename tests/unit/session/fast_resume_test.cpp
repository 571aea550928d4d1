// Fast resume: a torrent added with the resume data an earlier run saved trusts its pieces without hashing when
// the files are unchanged (no checking state at all), and checks them in full when a file changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "fixtures.hpp"
#include "io_run.hpp"
#include "shoal/session/session.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using shoal::session::session_event;
using shoal::session::torrent_id;
using shoal::session::torrent_options;
using shoal::session::torrent_state;
using kind = shoal::session::session_event::kind;

namespace {

constexpr std::int64_t piece_length = 16 * 1024;
constexpr int pieces = 12;
constexpr int good_pieces = 7;  // on disk before the first run: pieces 0..6 right, the rest zeros

class FastResume : public shoal::test::scratch_dir {
 protected:
  void SetUp() override {
    scratch_dir::SetUp();
    const std::vector<shoal::test::file_spec> files{{"a.bin", 5 * piece_length + 100}, {"b.bin", 6 * piece_length + 900}};
    meta_ = shoal::test::make_torrent("set", files, piece_length);
    ASSERT_EQ(meta_.piece_count(), pieces);
    content_ = shoal::test::content_of(files);
    std::string on_disk = content_;
    std::fill(on_disk.begin() + good_pieces * piece_length, on_disk.end(), '\0');
    fs::create_directories(root / "set");
    std::ofstream(root / "set" / "a.bin", std::ios::binary) << on_disk.substr(0, 5 * piece_length + 100);
    std::ofstream(root / "set" / "b.bin", std::ios::binary) << on_disk.substr(5 * piece_length + 100);
  }
  void TearDown() override {
    stop();
    scratch_dir::TearDown();
  }

  void start() {
    shoal::session::session_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.hash_threads = 1;
    s_ = std::make_unique<shoal::session::session>(io_.get_executor(), o);
    events_.clear();
    s_->subscribe([this](const session_event& e) { events_.push_back(e); });
    ASSERT_TRUE(s_->listen());
  }
  void stop() {
    if (!s_) return;
    bool done = false;
    asio::co_spawn(io_, [this, &done]() -> asio::awaitable<void> {
      co_await s_->stop(2s, true);
      done = true;
    }, asio::detached);
    EXPECT_TRUE(run_until([&] { return done; }));
    s_.reset();
    if (io_.stopped()) io_.restart();
    io_.run_for(2s);
  }
  torrent_options options() {
    torrent_options o;
    o.root = root;
    o.hash_threads = 1;
    o.keep_seeding = true;
    return o;
  }
  torrent_id add(torrent_options o, bool paused = false) {
    auto id = s_->add(meta_, std::move(o), paused);
    EXPECT_TRUE(id) << id.message();
    return id ? *id : 0;
  }
  bool run_until(const std::function<bool()>& done, std::chrono::steady_clock::duration bound = 20s) {
    return shoal::test::run_io_until(io_, done, bound);
  }
  torrent_state state(torrent_id id) { return s_->status_of(id).value_or(shoal::session::torrent_status{}).state; }
  int have(torrent_id id) { return s_->status_of(id).value_or(shoal::session::torrent_status{}).pieces_have; }
  bool saw_state(torrent_state s) {
    return std::any_of(events_.begin(), events_.end(),
                       [&](const auto& e) { return e.type == kind::state_changed && e.to == s; });
  }
  // The first run: a full check finds the good pieces; returns what the daemon would save.
  shoal::resume_data first_run() {
    start();
    const auto id = add(options());
    EXPECT_TRUE(run_until([&] { return state(id) == torrent_state::downloading; }));
    EXPECT_TRUE(saw_state(torrent_state::checking));
    EXPECT_EQ(have(id), good_pieces);
    auto r = s_->resume_of(id);
    EXPECT_TRUE(r.has_value());
    stop();
    return r.value_or(shoal::resume_data{});
  }
  void settle() { io_.run_for(50ms); }

  asio::io_context io_;
  std::unique_ptr<shoal::session::session> s_;
  std::vector<session_event> events_;
  shoal::metainfo meta_;
  std::string content_;
};

TEST_F(FastResume, MatchingStampsTrustThePiecesWithoutAnyCheck) {
  auto saved = first_run();
  EXPECT_EQ(saved.pieces.count(), static_cast<std::size_t>(good_pieces));
  EXPECT_EQ(saved.info_hash, meta_.info_hash);
  EXPECT_EQ(saved.files, shoal::stamp_files(meta_, root));
  EXPECT_EQ(saved.root, root.string());
  EXPECT_FALSE(saved.paused);

  start();
  auto o = options();
  o.resume = saved;
  const auto id = add(o);
  // At once, without running the io_context: no check was queued.
  EXPECT_EQ(state(id), torrent_state::downloading);
  EXPECT_EQ(have(id), good_pieces);
  ASSERT_TRUE(run_until([&] { return !events_.empty() && events_.back().type == kind::state_changed; }));
  settle();
  EXPECT_FALSE(saw_state(torrent_state::checking));
  const auto to_downloading = std::count_if(events_.begin(), events_.end(), [](const auto& e) {
    return e.type == kind::state_changed && e.from == torrent_state::queued_for_check && e.to == torrent_state::downloading;
  });
  EXPECT_EQ(to_downloading, 1);
  // What it would save now is what it was given.
  auto again = s_->resume_of(id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->pieces, saved.pieces);
  EXPECT_EQ(again->files, saved.files);
}

TEST_F(FastResume, CompleteDataGoesStraightToSeeding) {
  std::ofstream(root / "set" / "b.bin", std::ios::binary) << content_.substr(5 * piece_length + 100);
  start();
  const auto id = add(options());
  ASSERT_TRUE(run_until([&] { return state(id) == torrent_state::seeding; }));
  auto saved = s_->resume_of(id);
  ASSERT_TRUE(saved);
  EXPECT_TRUE(saved->pieces.all());
  EXPECT_NE(saved->completed_at, 0);
  stop();

  start();
  auto o = options();
  o.resume = *saved;
  const auto sid = add(o);
  EXPECT_EQ(state(sid), torrent_state::seeding);
  settle();
  EXPECT_FALSE(saw_state(torrent_state::checking));
  EXPECT_EQ(s_->history_of(sid)->completed_at, saved->completed_at);
  EXPECT_EQ(std::count_if(events_.begin(), events_.end(), [](const auto& e) { return e.type == kind::completed; }), 0)
      << "completed in an earlier run: not again";
}

TEST_F(FastResume, ATouchedFileMeansAFullCheckThatFindsTheRealPieces) {
  auto saved = first_run();
  // Same bytes, another time: the stamps no longer match, so nothing is trusted blindly.
  fs::last_write_time(root / "set" / "b.bin", fs::last_write_time(root / "set" / "b.bin") - 1h);
  start();
  auto o = options();
  o.resume = saved;
  const auto id = add(o);
  ASSERT_TRUE(run_until([&] { return state(id) == torrent_state::downloading; }));
  EXPECT_TRUE(saw_state(torrent_state::checking));
  EXPECT_EQ(have(id), good_pieces);
}

TEST_F(FastResume, DataDamagedAfterTheSaveIsCheckedAgain) {
  auto saved = first_run();
  {
    std::fstream f(root / "set" / "a.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2 * piece_length + 5);
    f.put(static_cast<char>(content_[2 * piece_length + 5] ^ 0x33));
  }
  start();
  auto o = options();
  o.resume = saved;
  const auto id = add(o);
  ASSERT_TRUE(run_until([&] { return state(id) == torrent_state::downloading; }));
  EXPECT_TRUE(saw_state(torrent_state::checking));
  EXPECT_EQ(have(id), good_pieces - 1);
  auto now = s_->resume_of(id);
  ASSERT_TRUE(now);
  EXPECT_FALSE(now->pieces.get(2));
}

TEST_F(FastResume, PausedResumeKeepsItsPiecesAndGoesOnWithoutACheck) {
  auto saved = first_run();
  saved.paused = true;
  start();
  auto o = options();
  o.resume = saved;
  const auto id = add(o);  // not paused by the caller: the resume data says so
  settle();
  EXPECT_EQ(state(id), torrent_state::paused);
  EXPECT_EQ(have(id), good_pieces) << "a paused torrent shows its progress";
  EXPECT_TRUE(s_->resume_of(id)->paused);
  ASSERT_TRUE(s_->resume(id));
  ASSERT_TRUE(run_until([&] { return state(id) == torrent_state::downloading; }));
  settle();
  EXPECT_FALSE(saw_state(torrent_state::checking));
  EXPECT_FALSE(saw_state(torrent_state::queued_for_check));
  // A verify asked for by the user hashes everything, resume data or not.
  ASSERT_TRUE(s_->verify(id));
  ASSERT_TRUE(run_until([&] { return saw_state(torrent_state::checking) && state(id) == torrent_state::downloading; }));
  EXPECT_EQ(have(id), good_pieces);
}

TEST_F(FastResume, CountersAndDatesCarryOver) {
  auto saved = first_run();
  saved.uploaded = 1000;
  saved.downloaded = 2000;
  saved.added_at = 1700000000;
  start();
  auto o = options();
  o.resume = saved;
  const auto id = add(o);
  auto h = s_->history_of(id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->added_at, 1700000000);
  EXPECT_EQ(h->completed_at, 0);
  EXPECT_EQ(h->uploaded, 1000u);
  EXPECT_EQ(h->downloaded, 2000u);
  auto r = s_->resume_of(id);
  EXPECT_EQ(r->uploaded, 1000u);
  EXPECT_EQ(r->added_at, 1700000000);
  EXPECT_FALSE(s_->history_of(id + 1));
}

TEST_F(FastResume, UncheckedDataSavesNoPiecesAndStampsThatTrustNothing) {
  start();
  const auto id = add(options(), true);  // paused before any check
  auto r = s_->resume_of(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pieces.count(), 0u);
  EXPECT_EQ(r->pieces.size(), static_cast<std::size_t>(pieces));
  EXPECT_FALSE(shoal::stamps_match(*r, shoal::stamp_files(meta_, root)));
  EXPECT_NE(s_->history_of(id)->added_at, 0);
}

}  // namespace
