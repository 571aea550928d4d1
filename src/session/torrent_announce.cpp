// Tracker announces: started, periodic at the tracker's interval, completed, stopped (bounded at shutdown).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/session/torrent.hpp"
#include "shoal/tracker/client/announcer.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

namespace shoal::session {

asio::awaitable<bool> torrent::announce_once(int event, std::chrono::milliseconds timeout) {
  auto self = shared_from_this();
  announce_request req;
  req.info_hash = meta_->info_hash;
  req.peer_id = link_->peer_id;
  req.port = link_->listen_port;
  req.uploaded = static_cast<std::int64_t>(uploaded_);
  req.downloaded = static_cast<std::int64_t>(downloaded_);
  // Before the metadata the size is unknown: announce as a leecher (left > 0, as libtorrent does), since a
  // tracker withholds seeds from a peer that says it has everything.
  req.left = fetching_metadata() ? 16 * 1024 : bytes_left();
  req.event = static_cast<announce_event>(event);
  req.numwant = static_cast<int>(std::min<std::size_t>(opt_->max_peers, 200));
  asio::steady_timer timer(link_->executor);
  timer.expires_after(timeout);
  announcing_ = true;  // the announcer is not reentrant
  announce_deadline_ = &timer;  // shutdown() ends the wait early
  auto r = co_await (announcer_->announce(std::move(req)) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  announce_deadline_ = nullptr;
  announcing_ = false;
  if (r.index() == 1) {
    if (!active() && event != static_cast<int>(announce_event::stopped))
      spdlog::debug("{}: announce in flight abandoned: stopping", meta_->name);
    else
      spdlog::warn("{}: announce timed out after {:.1f} s", meta_->name, static_cast<double>(timeout.count()) / 1000);
    co_return false;
  }
  auto& reply = std::get<0>(r);
  if (!reply) {
    report_refusals();
    // Refusals were just shown with their reasons; what else went wrong (unreachable, timed out) is shown here.
    if (announcer_->refusals().size() < announcer_->trackers().size())
      spdlog::warn("{}: announce failed: {}", meta_->name, reply.message());
    else
      spdlog::debug("{}: announce failed: {}", meta_->name, reply.message());
    if (running() && !opt_->seed_only && nobody_can_help())
      fail("no tracker or peer can help: " + announcer_->refusal_text());
    co_return false;
  }
  if (!reply->warning.empty()) spdlog::warn("{}: tracker warning: {}", meta_->name, reply->warning);
  spdlog::debug("{}: tracker gave {} peers, interval {} s", meta_->name, reply->peers.size(), reply->interval);
  if (active() && event != static_cast<int>(announce_event::stopped)) add_candidates(reply->peers, from_tracker);
  co_return true;
}

asio::awaitable<void> torrent::announce_loop(std::uint64_t generation) {
  auto self = shared_from_this();
  // The announcer takes one announce at a time: a `stopped` of the last pause may still be on its way.
  asio::steady_timer wait(link_->executor);
  while (announcing_ && generation == generation_) {
    wait.expires_after(20ms);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  auto event = announce_event::started;
  tracker_started_ = true;
  while (generation == generation_) {
    if (completed_event_pending_) {
      completed_event_pending_ = false;
      event = announce_event::completed;
    }
    const bool ok = co_await announce_once(static_cast<int>(event), std::chrono::seconds(30));
    if (generation != generation_) break;
    if (announcer_->refusals().size() >= announcer_->trackers().size()) break;  // nobody left to ask
    event = announce_event::none;
    if (completed_event_pending_) continue;
    const auto delay = announcer_->next_delay(!ok);
    next_announce_at_ = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch() + delay).count();
    announce_timer_->expires_after(delay);
    co_await announce_timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (generation == generation_) next_announce_at_ = 0;
  }
}

}  // namespace shoal::session
