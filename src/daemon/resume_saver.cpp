#include "shoal/daemon/resume_saver.hpp"

#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/session/session.hpp"
#include "shoal/util/flat_map.hpp"

namespace asio = boost::asio;

namespace shoal::daemon {

using clock = std::chrono::steady_clock;
using kind = session::session_event::kind;

struct resume_saver::impl : std::enable_shared_from_this<impl> {
  impl(session::session& s, state_store& st, saver_options o, asio::any_io_executor ex)
      : sess(s), store(st), opt(o), timer(std::move(ex)) {}

  session::session& sess;
  state_store& store;
  saver_options opt;
  asio::steady_timer timer;
  flat_map<session::torrent_id, clock::time_point> due;  // torrents to save, and by when
  // Uploaded plus downloaded as the last stats event showed them (both only grow, so the sum moves when either
  // does): an idle torrent's heartbeat is no reason to save.
  flat_map<session::torrent_id, std::uint64_t> counters;
  bool armed = false;
  std::size_t key = 0;
  std::size_t saves = 0, failures = 0;

  void on_event(const session::session_event& e) {
    const auto now = clock::now();
    switch (e.type) {
      case kind::removed:
        due.erase(e.id);
        counters.erase(e.id);
        return;
      case kind::stats: {
        const std::uint64_t now_counters = e.status.uploaded + e.status.downloaded;
        auto [it, fresh] = counters.emplace(e.id, now_counters);
        if (!fresh && it->second == now_counters) return;
        it->second = now_counters;
        mark(e.id, now + opt.idle_delay);
        break;
      }
      default: mark(e.id, now + opt.delay); break;
    }
    arm();
  }
  // The earlier deadline wins: a burst of events never pushes a save back.
  void mark(session::torrent_id id, clock::time_point when) {
    auto [it, fresh] = due.emplace(id, when);
    if (!fresh && when < it->second) it->second = when;
  }
  void arm() {
    if (armed || due.empty()) return;
    auto next = due.begin()->second;
    for (const auto& [id, when] : due) next = std::min(next, when);
    armed = true;
    timer.expires_at(next);
    timer.async_wait([self = weak_from_this()](boost::system::error_code ec) {
      auto p = self.lock();
      if (!p) return;
      p->armed = false;
      if (ec) return;
      p->save_due();
      p->arm();
    });
  }
  void save_due() {
    const auto now = clock::now();
    std::vector<session::torrent_id> ready;
    for (const auto& [id, when] : due)
      if (when <= now) ready.push_back(id);
    for (const auto id : ready) (void)save(id);  // save() takes it out of due
    if (due.empty()) due = {};  // its capacity too: 10,000 torrents marked at start leave none due for long
  }
  status save(session::torrent_id id) {
    due.erase(id);
    auto r = sess.resume_of(id);
    if (!r) return error{error_code::not_found, "no torrent with id " + std::to_string(id)};
    auto wrote = store.update_resume(*r);
    if (!wrote) {
      ++failures;
      spdlog::error("saving the resume data of torrent {}: {}", id, wrote.message());
      return wrote.err();
    }
    if (*wrote) ++saves;
    return ok();
  }
};

resume_saver::resume_saver(session::session& s, state_store& store, saver_options o)
    : p_(std::make_shared<impl>(s, store, o, s.executor())) {
  p_->key = s.subscribe([w = std::weak_ptr<impl>(p_)](const session::session_event& e) {
    if (auto p = w.lock()) p->on_event(e);
  });
}

resume_saver::~resume_saver() {
  p_->sess.unsubscribe(p_->key);
  p_->timer.cancel();
}

status resume_saver::save(session::torrent_id id) { return p_->save(id); }

void resume_saver::save_all() {
  std::vector<session::torrent_status> all;
  p_->sess.statuses(all);
  for (const auto& st : all) (void)p_->save(st.id);
}

std::size_t resume_saver::saves() const { return p_->saves; }
std::size_t resume_saver::failures() const { return p_->failures; }

}  // namespace shoal::daemon
