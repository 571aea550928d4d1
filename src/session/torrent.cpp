// A torrent's lifecycle: creation, state changes, activate and deactivate, the commands, status, completion and
// shutdown. The data check (torrent_check.cpp), the connections (torrent_connections.cpp) and the periodic work
// (torrent_tick.cpp) have files of their own.
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

#include "torrent_check_job.hpp"

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
constexpr std::size_t super_seed_offers = 2;  // open offers per peer: one to fetch, one to start on
constexpr auto stats_heartbeat = 60s;  // an idle torrent's stats event, at most this often

std::shared_ptr<const std::filesystem::path> shared_root(const session_link& link, const std::filesystem::path& root) {
  return link.roots ? link.roots->intern(root) : std::make_shared<const std::filesystem::path>(root);
}

std::shared_ptr<const torrent_settings> shared_settings(const session_link& link, torrent_settings s) {
  return link.settings ? link.settings->intern(std::move(s)) : std::make_shared<const torrent_settings>(std::move(s));
}

// The counters a stats event shows, mixed into one word (splitmix64's finaliser after each): two different sets
// agree with a chance of 2^-64, and then only a repeated idle event is skipped until the heartbeat.
std::uint64_t stats_fingerprint(const torrent_status& s) {
  std::uint64_t h = 0;
  for (const std::uint64_t v : {s.uploaded, s.downloaded, static_cast<std::uint64_t>(s.verified_bytes),
                                static_cast<std::uint64_t>(s.checked_bytes), static_cast<std::uint64_t>(s.peers)}) {
    h += v + 0x9e3779b97f4a7c15;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9;
    h = (h ^ (h >> 27)) * 0x94d049bb133111eb;
    h ^= h >> 31;
  }
  return h;
}
}  // namespace

std::shared_ptr<torrent> torrent::create(torrent_id id, metainfo m, torrent_options opt,
                                         std::shared_ptr<const session_link> link, bool paused) {
  auto t = std::make_shared<torrent>(made_here{}, id, std::move(m), std::move(opt), std::move(link), paused);
  if (!paused) t->queue_check();
  return t;
}

torrent::torrent(made_here, torrent_id id, metainfo m, torrent_options opt, std::shared_ptr<const session_link> link,
                 bool paused)
    : id_(id),
      meta_(std::make_shared<const metainfo>(std::move(m))),
      opt_(shared_settings(*link, static_cast<torrent_settings&&>(std::move(opt)))),
      resume_(opt.resume ? std::make_unique<resume_data>(std::move(*opt.resume)) : nullptr),
      link_(std::move(link)),
      root_(shared_root(*link_, opt.root)),
      lifecycle_(torrent_state::queued_for_check),
      have_(static_cast<std::size_t>(meta_->piece_count())),
      download_rate_(opt_->download_rate_limit),
      upload_rate_(opt_->upload_rate_limit) {
  limits_ = wire::make_wire_limits(static_cast<std::uint32_t>(meta_->piece_count()),
                                   static_cast<std::uint32_t>(meta_->piece_length),
                                   static_cast<std::uint32_t>(meta_->piece_size(meta_->piece_count() - 1)),
                                   128 * 1024);  // tolerate clients asking for blocks larger than 16 KiB
  if (opt_->super_seed && opt_->seed_only)
    super_seeder_ = std::make_unique<swarm::super_seeder>(meta_->piece_count(), super_seed_offers, std::random_device{}());
  if (!meta_->trackers.empty()) {
    announcer_ = std::make_unique<announcer>(link_->executor, meta_->trackers);
    announce_timer_ = std::make_unique<asio::steady_timer>(link_->executor);
  }
  if (paused) lifecycle_.pause();
}

torrent::~torrent() = default;

swarm::piece_picker& torrent::picker() {
  if (!picker_) {
    picker_ = std::make_unique<swarm::piece_picker>(meta_->piece_count(), meta_->piece_length, meta_->total_length);
    for (int i = 0; i < meta_->piece_count(); ++i)
      if (have_.get(static_cast<std::size_t>(i))) picker_->set_have(i);
  }
  return *picker_;
}

std::int64_t torrent::bytes_left() const {
  const int pieces = meta_->piece_count();
  if (pieces == 0) return meta_->total_length;
  const bool last = have_.get(static_cast<std::size_t>(pieces - 1));
  const std::int64_t full = have_count() - (last ? 1 : 0);
  return meta_->total_length - full * meta_->piece_length - (last ? meta_->piece_size(pieces - 1) : 0);
}

const torrent::candidate_map& torrent::candidates() const {
  static const candidate_map none;  // immutable: a torrent that never had a candidate
  return transfer_ ? transfer_->candidates : none;
}

torrent::transfer_state& torrent::transfer() {
  if (!transfer_)
    transfer_ = std::make_unique<transfer_state>(
        swarm::choke_config{opt_->seed_only ? swarm::choke_mode::seed : swarm::choke_mode::leech, opt_->upload_slots},
        download_rate_, upload_rate_, *link_);
  return *transfer_;
}

swarm::rate_limiter* torrent::download_limiter() {
  return download_rate_ != 0 || link_->download_total != nullptr ? &transfer().download_limit : nullptr;
}

swarm::rate_limiter* torrent::upload_limiter() {
  return upload_rate_ != 0 || link_->upload_total != nullptr ? &transfer().upload_limit : nullptr;
}

bool torrent::finished() const {
  if (lifecycle_.state() == torrent_state::error) return true;
  if (left_) return true;
  return complete_data() && lifecycle_.checked() && !opt_->keep_seeding && !opt_->seed_only;
}

// An event about this torrent, its fields beside the kind left to fill.
session_event torrent::event(session_event::kind k) const {
  session_event e;
  e.type = k;
  e.id = id_;
  e.info_hash = meta_->info_hash;
  e.name = meta_->name;
  return e;
}

// The state changed from `from` to the lifecycle's: tell the subscribers, then do what the new state means.
void torrent::change_state(torrent_state from) {
  const auto to = lifecycle_.state();
  if (from == to) return;
  spdlog::debug("{}: {} -> {}", meta_->name, to_string(from), to_string(to));
  auto e = event(session_event::kind::state_changed);
  e.from = from;
  e.to = to;
  if (to == torrent_state::error) e.message = lifecycle_.error();
  e.status = status();
  if (link_->emit) link_->emit(std::move(e));
  if (to == torrent_state::queued_for_check && link_->request_check) link_->request_check(id_);
}

// Downloading or seeding from here: connections, the ticker and the announces run until deactivate().
void torrent::activate() {
  ++generation_;
  started_at_ = last_progress_ = std::chrono::steady_clock::now();
  const int total = meta_->piece_count();
  if (fetching_metadata()) {
    spdlog::info("{}: fetching the metadata of {} from peers", meta_->name, meta_->info_hash.hex());
  } else if (opt_->seed_only) {
    spdlog::info("{}: seeding {} pieces ({} bytes){}", meta_->name, total, meta_->total_length,
                 super_seeding() ? ", super-seeding" : "");
  } else {
    // Tests and users read this line: how much of a previous run survived.
    spdlog::info("{}: resume: {} of {} pieces already verified", meta_->name, resumed_pieces_, total);
  }
  add_candidates(opt_->peers, from_given);
  auto self = shared_from_this();
  const auto gen = generation_;
  ticking_ = true;
  next_tick_ = started_at_ + tick_period;
  if (announcer_)
    asio::co_spawn(link_->executor, [self, gen] { return self->announce_loop(gen); }, net::report_exception("announce"));
}

// Connections closed, loops ended (they see the generation change), requests returned to the picker.
void torrent::deactivate(std::string_view why) {
  ++generation_;
  ticking_ = false;
  if (announce_timer_) announce_timer_->cancel();
  for (auto& c : std::vector(peers_)) c->close(why);
  connecting_ = 0;  // dials in flight see the generation change and drop what they get
  close_files();
  drop_partial_pieces();  // verdicts on their way are dropped for the generation: their pieces come again
  if (transfer_) {
    for (auto& [key, cand] : transfer_->candidates) cand.connected = false;
    transfer_->download_window = rate_window{};
    transfer_->upload_window = rate_window{};
  }
}

void torrent::drop_partial_pieces() {
  if (transfer_) {
    auto& x = *transfer_;
    x.arriving.clear();
    for (auto& [piece, data] : x.gathering) x.buffers->give_back(std::move(data));
    x.gathering.clear();
  }
  picker_.reset();  // made again from have_ when a peer needs it
}

void torrent::pause() {
  const auto from = lifecycle_.state();
  const bool was_active = active();
  if (stopping_ || !lifecycle_.pause()) return;
  cancel_check();
  if (was_active) deactivate("paused");
  spdlog::info("{}: paused", meta_->name);
  change_state(from);
  if (was_active && tracker_started_) {
    auto self = shared_from_this();
    asio::co_spawn(link_->executor, [self] { return self->announce_stopped(std::chrono::steady_clock::now() + 5s, true); },
                   net::report_exception("announce stopped"));
  }
}

void torrent::resume() {
  const auto from = lifecycle_.state();
  if (stopping_ || !lifecycle_.resume(complete_data())) return;
  if (active()) activate();
  spdlog::info("{}: resumed ({})", meta_->name, to_string(lifecycle_.state()));
  change_state(from);
}

void torrent::verify() {
  const auto from = lifecycle_.state();
  const bool was_active = active();
  if (stopping_ || !lifecycle_.verify()) return;
  if (was_active) deactivate("verifying the data again");
  spdlog::info("{}: verifying the data again", meta_->name);
  change_state(from);
}

void torrent::reannounce() {
  if (!active() || !announcer_) return;
  announce_timer_->cancel();  // the announce loop goes at once
}

void torrent::set_limits(const torrent_limits& l) {
  const auto now = std::chrono::steady_clock::now();
  if (l.download_rate) {
    download_rate_ = *l.download_rate;
    if (transfer_) transfer_->download_limit.set_rate(download_rate_, swarm::default_burst(download_rate_), now);
  }
  if (l.upload_rate) {
    upload_rate_ = *l.upload_rate;
    if (transfer_) transfer_->upload_limit.set_rate(upload_rate_, swarm::default_burst(upload_rate_), now);
  }
  if (l.max_peers) {
    auto changed = std::make_shared<torrent_settings>(*opt_);  // the others sharing them keep theirs
    changed->max_peers = std::max<std::size_t>(1, *l.max_peers);
    opt_ = std::move(changed);
    // Over the new limit: the least useful connections (no data either way, then the slowest) go.
    while (peers_.size() > opt_->max_peers) {
      auto worst = std::min_element(peers_.begin(), peers_.end(), [](const auto& x, const auto& y) {
        return x->download_rate + x->upload_rate < y->download_rate + y->upload_rate;
      });
      (*worst)->close("over the new peer limit");
    }
  }
}

asio::awaitable<void> torrent::shutdown(std::chrono::steady_clock::time_point deadline, bool hurry) {
  if (stopping_) co_return;
  auto self = shared_from_this();
  stop_now();
  co_await announce_stopped(deadline, hurry);
}

void torrent::stop_now() {
  if (stopping_) return;
  const bool was_active = active();
  stopping_ = true;
  cancel_check();
  if (was_active) report_stats(true);
  deactivate("shutting down");
}

asio::awaitable<void> torrent::announce_stopped(std::chrono::steady_clock::time_point deadline, bool hurry) {
  auto self = shared_from_this();
  if (!announcer_ || announcer_->refusals().size() >= announcer_->trackers().size()) co_return;
  // In a hurry, an announce in flight (a tracker that does not answer) is abandoned: stopped goes out instead.
  if (hurry && announce_deadline_ != nullptr) announce_deadline_->cancel();
  asio::steady_timer wait(link_->executor);
  while (announcing_ && std::chrono::steady_clock::now() + 10ms < deadline) {
    wait.expires_after(10ms);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (!tracker_started_ || active()) co_return;  // resumed meanwhile: its own `started` follows
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  };
  // Completed just before the stop (a leech that ends at completion): the tracker counts the download first.
  if (completed_event_pending_ && !hurry && !announcing_ && left() > 10ms) {
    completed_event_pending_ = false;
    co_await announce_once(static_cast<int>(announce_event::completed), left());
  }
  if (!announcing_ && left() > 10ms) {
    tracker_started_ = false;
    co_await announce_once(static_cast<int>(announce_event::stopped), left());
  }
}

status torrent::delete_data() {
  storage_.reset();  // files closed first (hash jobs still running hold their own reference)
  return remove_torrent_data(*meta_, *root_);
}

torrent_status torrent::status() const {
  torrent_status s;
  s.id = id_;
  s.info_hash = meta_->info_hash;
  s.name = meta_->name;
  s.state = lifecycle_.state();
  s.finished = finished();
  s.error = lifecycle_.error();
  s.total_bytes = meta_->total_length;
  s.verified_bytes = meta_->total_length - bytes_left();
  if (check_) s.checked_bytes = check_->progress.bytes_done.load(std::memory_order_relaxed);
  s.piece_count = meta_->piece_count();
  s.pieces_have = have_count();
  s.download_rate = transfer_ ? transfer_->download_window.rate() : 0;
  s.upload_rate = transfer_ ? transfer_->upload_window.rate() : 0;
  const auto left = bytes_left();
  if (left > 0 && s.download_rate >= 1 && s.state == torrent_state::downloading)
    s.eta_seconds = static_cast<std::int64_t>(static_cast<double>(left) / s.download_rate + 0.5);
  s.peers = peers_.size();
  s.seeds = static_cast<std::size_t>(
      std::count_if(peers_.begin(), peers_.end(), [](const auto& c) { return c->peer_has.all(); }));
  s.uploaded = uploaded_;
  s.downloaded = downloaded_;
  s.ratio = downloaded_ > 0 ? static_cast<double>(uploaded_) / static_cast<double>(downloaded_) : 0.0;
  s.hash_failures = hash_failures_;
  s.bans = bans_count_;
  if (metadata_) {
    s.has_metadata = false;
    const auto size = metadata_->target_size();
    const auto pieces = (size + wire::ext::metadata_piece_size - 1) / wire::ext::metadata_piece_size;
    s.metadata_progress = pieces > 0 ? static_cast<double>(metadata_->pieces_received()) / static_cast<double>(pieces) : 0.0;
  }
  return s;
}

void torrent::flush_events(bool with_stats) {
  if (transfer_ && !transfer_->verified_since_event.empty() && link_->emit) {
    auto e = event(session_event::kind::pieces_verified);
    e.pieces = std::move(transfer_->verified_since_event);
    transfer_->verified_since_event.clear();
    link_->emit(std::move(e));
  }
  const auto st = lifecycle_.state();
  if (!with_stats || !link_->emit || (!active() && st != torrent_state::checking)) return;
  // An idle torrent says so once, then again only every stats_heartbeat: a thousand idle seeds stay quiet.
  auto status_now = status();
  const std::uint64_t mark = stats_fingerprint(status_now);
  const auto now = std::chrono::steady_clock::now();
  const bool moving = status_now.download_rate > 0 || status_now.upload_rate > 0;
  if (!moving && mark == last_stats_ && now - last_stats_at_ < stats_heartbeat) return;
  last_stats_ = mark;
  last_stats_at_ = now;
  auto e = event(session_event::kind::stats);
  e.status = std::move(status_now);
  link_->emit(std::move(e));
}

void torrent::complete() {
  const auto from = lifecycle_.state();
  if (from == torrent_state::downloading) lifecycle_.completed();
  else if (from != torrent_state::seeding || opt_->seed_only) return;
  if (!opt_->seed_only) forget_ownership(*meta_, *root_);  // every file verifies now: no record needed
  if (transfer_ && transfer_->buffers) transfer_->buffers->release_free();  // nothing more to gather
  report_complete();
  flush_events(false);  // the last pieces before `completed`
  if (link_->emit) {
    auto e = event(session_event::kind::completed);
    e.status = status();
    link_->emit(std::move(e));
  }
  change_state(from);
  completed_event_pending_ = downloaded_pieces_ > 0;  // complete on start: `started` says it all
  if (announce_timer_) announce_timer_->cancel();  // the announce loop sends `completed` now
  for (auto& c : std::vector(peers_)) {
    c->send_interested(false);
    close_if_both_complete(*c);
  }
  if (opt_->keep_seeding && opt_->seed_ratio > 0) check_seed_ratio();  // the ratio may be reached already
}

void torrent::fail(std::string why, bool log) {
  const auto from = lifecycle_.state();
  const bool was_active = active();
  if (!lifecycle_.fail(why)) return;
  if (log) spdlog::error("{}: {}", meta_->name, why);
  cancel_check();
  if (was_active) deactivate("torrent failed");
  if (link_->emit) {
    auto e = event(session_event::kind::error);
    e.message = why;
    link_->emit(std::move(e));
  }
  change_state(from);
  if (was_active && tracker_started_) {
    auto self = shared_from_this();
    asio::co_spawn(link_->executor, [self] { return self->announce_stopped(std::chrono::steady_clock::now() + 5s, false); },
                   net::report_exception("announce stopped"));
  }
}

void torrent::report_complete() {
  if (opt_->seed_only) return;
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - started_at_).count();
  const double rate = secs > 0 ? static_cast<double>(downloaded_) / secs : 0;
  // Tests read this line: the verified total, what this run fetched, and what a previous run left.
  spdlog::info("{}: complete: {} bytes verified; downloaded {} pieces ({} bytes) in {:.2f} s ({}) from {} "
               "peers; {} pieces were already verified; {} hash failures, {} peers banned",
               meta_->name, meta_->total_length, downloaded_pieces_, downloaded_, secs, format_bytes(rate) + "/s", peers_seen_,
               resumed_pieces_, hash_failures_, bans_count_);
}

}  // namespace shoal::session