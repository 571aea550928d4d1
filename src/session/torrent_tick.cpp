// A torrent's periodic work (once a second while active): timeouts, rates, dialling, giving up.
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/read.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"
#include "shoal/peer/handshake_io.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/data_check.hpp"
#include "shoal/storage/remove_data.hpp"
#include "shoal/util/byte_size.hpp"
#include "shoal/tracker/client/announcer.hpp"
#include "shoal/wire/ext/metadata_assembler.hpp"
#include "shoal/wire/ext/ut_metadata.hpp"
#include "shoal/wire/handshake.hpp"
#include "shoal/wire/frame_decoder.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::session {

namespace {
constexpr auto request_timeout = 30s;  // no block for this long: its requests go to other peers
constexpr auto idle_timeout = 120s;    // nothing at all received: the connection is dropped
constexpr auto keep_alive_every = 60s;
}  // namespace

void torrent::on_session_tick(std::chrono::steady_clock::time_point now) {
  if (!ticking_ || now < next_tick_) return;
  tick();
  // A complete torrent with no peer has little to do each second (no rates, no timeouts, nobody to choke):
  // ticking it every 5 s keeps a daemon seeding thousands of torrents idle. attach() brings it forward.
  if (ticking_) next_tick_ = now + (idle_seed() ? idle_tick_period : tick_period);
}

void torrent::tick() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& c : std::vector(peers_)) {
    if (c->closed()) continue;
    if (now - c->last_received > idle_timeout) {
      c->close("idle for 2 minutes");
      continue;
    }
    c->download_rate = c->downloaded - c->rate_mark;
    c->rate_mark = c->downloaded;
    c->upload_rate = c->uploaded - c->upload_mark;
    c->upload_mark = c->uploaded;
    c->pipeline.on_rate(c->download_rate);
    if (!c->inflight.empty() && now - c->last_block > request_timeout) {
      spdlog::debug("{}: peer {} sent nothing for 30 s: its requests go to others", meta_->name, c->name());
      return_requests(*c);
      c->snubbed = true;
    }
    if (now - c->last_sent > keep_alive_every) c->send_keep_alive();
    update_interest(*c);
    fill_requests(*c);
  }
  pex_tick(now);
  if (fetching_metadata()) {
    metadata_tick(now);
    if (may_dial()) connect_more();
    return;
  }
  if (transfer_ && transfer_->choker.due(now)) run_choker(now);
  super_seed_tick(now);
  if (peers_.empty()) {
    // Nothing moves without a peer: the rates are 0, and an idle torrent holds no samples.
    if (transfer_) {
      transfer_->download_window = rate_window{};
      transfer_->upload_window = rate_window{};
    }
  } else {
    transfer().download_window.add(now, downloaded_);
    transfer().upload_window.add(now, uploaded_);
  }
  if (running() && !opt_->seed_only) {
    if (nobody_can_help()) {
      fail("no tracker or peer can help: " + announcer_->refusal_text());
      return;
    }
    if (now - last_progress_ > opt_->timeout) {
      fail(peers_.empty() ? "no peers to download from within --timeout " + std::to_string(opt_->timeout.count()) + " s"
                          : "no progress for " + std::to_string(opt_->timeout.count()) + " s with " +
                                std::to_string(peers_.size()) + " peers");
      return;
    }
    if (all_banned()) {
      fail("no peers left: " + std::to_string(bans_count_) + " banned for sending data that failed the SHA-1 check");
      return;
    }
  }
  if (may_dial()) connect_more();
  if (opt_->seed_only || complete_data()) report_stats(false);
}

// A tracker refused the torrent, no other tracker answers, and there is no peer to ask: waiting for --timeout
// would gain nothing. A --peer, a connected peer or one still worth dialling keeps the download going.
bool torrent::nobody_can_help() const {
  if (!announcer_ || !announcer_->no_tracker_can_help()) return false;
  if (!opt_->peers.empty() || !peers_.empty() || connecting_ > 0) return false;
  for (const auto& [key, cand] : candidates())
    if (cand.failures < 8 && !banned(key)) return false;
  return true;
}

// Each refusal once, at warning level, with the tracker's own words.
void torrent::report_refusals() {
  if (!announcer_) return;
  const auto& refused = announcer_->refusals();
  if (refused.size() == refusals_reported_) return;
  refusals_reported_ = static_cast<std::uint32_t>(refused.size());
  for (const auto& [url, reason] : refused)
    spdlog::warn("{}: tracker {} refused the torrent: {}", meta_->name, url, reason);
}

// Every peer we know of was banned and no tracker can name others: waiting for --timeout would gain nothing.
bool torrent::all_banned() const {
  if (bans_count_ == 0 || !peers_.empty() || connecting_ > 0 || announcer_) return false;
  for (const auto& [key, cand] : candidates())
    if (!banned(key)) return false;
  return true;
}


}  // namespace shoal::session
