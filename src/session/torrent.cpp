// Torrent lifecycle: open + check, start, attach connections, periodic work, shutdown.
#include "shoal/session/torrent.hpp"

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
constexpr std::size_t min_inflight = 64;   // 1 MiB of 16 KiB blocks
constexpr std::size_t max_inflight = 256;  // 4 MiB: well inside what libtorrent and aria2 accept
constexpr std::size_t super_seed_offers = 2;  // open offers per peer: one to fetch, one to start on
constexpr auto stats_heartbeat = 60s;  // an idle torrent's stats event, at most this often
}  // namespace

struct torrent::check_job {
  check_control progress;
  check_options options;
  result<checked_data> outcome = error{"not run"};
};

std::shared_ptr<torrent> torrent::create(torrent_id id, metainfo m, torrent_options opt,
                                         std::shared_ptr<const session_link> link, bool paused) {
  auto t = std::shared_ptr<torrent>(new torrent(id, std::move(m), std::move(opt), std::move(link), paused));
  if (!paused) t->queue_check();
  return t;
}

torrent::torrent(torrent_id id, metainfo m, torrent_options opt, std::shared_ptr<const session_link> link,
                 bool paused)
    : id_(id),
      meta_(std::move(m)),
      opt_(std::move(opt)),
      link_(std::move(link)),
      lifecycle_(torrent_state::queued_for_check),
      picker_(meta_.piece_count(), meta_.piece_length, meta_.total_length),
      have_(static_cast<std::size_t>(meta_.piece_count())),
      failures_(static_cast<std::size_t>(meta_.piece_count()), 0),
      retried_(static_cast<std::size_t>(meta_.piece_count()), 0),
      choker_({opt_.seed_only ? swarm::choke_mode::seed : swarm::choke_mode::leech, opt_.upload_slots}),
      download_limit_(opt_.download_rate_limit, swarm::default_burst(opt_.download_rate_limit),
                      std::chrono::steady_clock::now(), link_->download_total),
      upload_limit_(opt_.upload_rate_limit, swarm::default_burst(opt_.upload_rate_limit),
                    std::chrono::steady_clock::now(), link_->upload_total),
      tick_timer_(link_->executor),
      announce_timer_(link_->executor),
      download_rate_(opt_.download_rate_limit),
      upload_rate_(opt_.upload_rate_limit) {
  limits_ = wire::make_wire_limits(static_cast<std::uint32_t>(meta_.piece_count()),
                                   static_cast<std::uint32_t>(meta_.piece_length),
                                   static_cast<std::uint32_t>(meta_.piece_size(meta_.piece_count() - 1)),
                                   128 * 1024);  // tolerate clients asking for blocks larger than 16 KiB
  if (opt_.super_seed && opt_.seed_only)
    super_seeder_ = std::make_unique<swarm::super_seeder>(meta_.piece_count(), super_seed_offers, std::random_device{}());
  if (!meta_.trackers.empty()) announcer_ = std::make_unique<announcer>(link_->executor, meta_.trackers);
  if (paused) lifecycle_.pause();
}

torrent::~torrent() = default;

bool torrent::finished() const {
  if (lifecycle_.state() == torrent_state::error) return true;
  if (left_) return true;
  return complete_data() && lifecycle_.checked() && !opt_.keep_seeding && !opt_.seed_only;
}

// An event about this torrent, its fields beside the kind left to fill.
session_event torrent::event(session_event::kind k) const {
  session_event e;
  e.type = k;
  e.id = id_;
  e.info_hash = meta_.info_hash;
  e.name = meta_.name;
  return e;
}

// The state changed from `from` to the lifecycle's: tell the subscribers, then do what the new state means.
void torrent::change_state(torrent_state from) {
  const auto to = lifecycle_.state();
  if (from == to) return;
  spdlog::debug("{}: {} -> {}", meta_.name, to_string(from), to_string(to));
  auto e = event(session_event::kind::state_changed);
  e.from = from;
  e.to = to;
  if (to == torrent_state::error) e.message = lifecycle_.error();
  e.status = status();
  if (link_->emit) link_->emit(std::move(e));
  if (to == torrent_state::queued_for_check && link_->request_check) link_->request_check(id_);
}

void torrent::queue_check() {
  const auto from = lifecycle_.state();
  if (from != torrent_state::queued_for_check) return;
  // Created queued: the first change_state has no "from"; the session learns it from the added event.
  if (link_->request_check) link_->request_check(id_);
}

void torrent::run_check(asio::thread_pool& pool, std::function<void()> done) {
  const auto from = lifecycle_.state();
  if (stopping_ || !lifecycle_.start_check()) {
    done();
    return;
  }
  auto job = std::make_shared<check_job>();
  job->options.seed_only = opt_.seed_only;
  job->options.threads = opt_.hash_threads;
  job->options.overwrite = opt_.overwrite;
  job->options.preallocate = opt_.preallocate;
  job->options.recheck = storage_ != nullptr;
  check_ = job;
  change_state(from);
  auto self = shared_from_this();
  // The worker reads meta_ and opt_.root, which nothing changes after construction.
  asio::post(pool, [self, job, done = std::move(done)]() mutable {
    job->outcome = open_and_check(self->meta_, self->opt_.root, job->options, job->progress);
    asio::post(self->link_->executor, [self, job, done = std::move(done)]() mutable {
      self->on_checked(std::move(job), std::move(done));
    });
  });
}

void torrent::on_checked(std::shared_ptr<check_job> job, std::function<void()> done) {
  done();  // the verify queue may start the next check
  if (check_ == job) check_.reset();
  if (job->progress.cancelled || stopping_ || lifecycle_.state() != torrent_state::checking) return;
  if (!job->outcome) {
    fail(job->outcome.message(), false);
    return;
  }
  install_check(job->outcome->store ? std::move(*job->outcome->store) : std::optional<storage>{}, job->outcome->have);
  const auto from = lifecycle_.state();
  lifecycle_.check_done(complete_data());
  activate();
  change_state(from);
  // A leech whose data was complete already (a verify again of a complete torrent is not a new completion).
  if (complete_data() && !opt_.seed_only && !job->options.recheck) complete();
}

// The check's verdict replaces what the picker knew: a re-check may find pieces missing that were had.
void torrent::install_check(std::optional<storage> st, const bitfield& have) {
  if (st) storage_ = std::make_shared<storage>(std::move(*st));
  arriving_.clear();  // the check's verdict replaces every partial piece
  for (auto& [piece, data] : gathering_) buffers_->give_back(std::move(data));
  gathering_.clear();
  picker_ = swarm::piece_picker(meta_.piece_count(), meta_.piece_length, meta_.total_length);
  have_ = bitfield(static_cast<std::size_t>(meta_.piece_count()));
  for (int i = 0; i < meta_.piece_count(); ++i)
    if (have.get(static_cast<std::size_t>(i))) {
      picker_.set_have(i);
      have_.set(static_cast<std::size_t>(i));
    }
  resumed_pieces_ = picker_.have_count();
  downloaded_pieces_ = 0;
}

void torrent::cancel_check() {
  if (check_) check_->progress.cancelled = true;
  check_.reset();
}

// Downloading or seeding from here: connections, the ticker and the announces run until deactivate().
void torrent::activate() {
  ++generation_;
  started_at_ = last_progress_ = std::chrono::steady_clock::now();
  const int total = meta_.piece_count();
  if (fetching_metadata()) {
    spdlog::info("{}: fetching the metadata of {} from peers", meta_.name, meta_.info_hash.hex());
  } else if (opt_.seed_only) {
    spdlog::info("{}: seeding {} pieces ({} bytes){}", meta_.name, total, meta_.total_length,
                 super_seeding() ? ", super-seeding" : "");
  } else {
    // Tests and users read this line: how much of a previous run survived.
    spdlog::info("{}: resume: {} of {} pieces already verified", meta_.name, resumed_pieces_, total);
  }
  add_candidates(opt_.peers, from_given);
  auto self = shared_from_this();
  const auto gen = generation_;
  schedule_tick(gen);
  if (announcer_)
    asio::co_spawn(link_->executor, [self, gen] { return self->announce_loop(gen); }, net::report_exception("announce"));
}

// Connections closed, loops ended (they see the generation change), requests returned to the picker.
void torrent::deactivate(std::string_view why) {
  ++generation_;
  tick_timer_.cancel();
  announce_timer_.cancel();
  for (auto& c : std::vector(peers_)) c->close(why);
  for (auto& [key, cand] : candidates_) cand.connected = false;
  connecting_ = 0;  // dials in flight see the generation change and drop what they get
  download_window_ = rate_window{};
  upload_window_ = rate_window{};
}

void torrent::pause() {
  const auto from = lifecycle_.state();
  const bool was_active = active();
  if (stopping_ || !lifecycle_.pause()) return;
  cancel_check();
  if (was_active) deactivate("paused");
  spdlog::info("{}: paused", meta_.name);
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
  spdlog::info("{}: resumed ({})", meta_.name, to_string(lifecycle_.state()));
  change_state(from);
}

void torrent::verify() {
  const auto from = lifecycle_.state();
  const bool was_active = active();
  if (stopping_ || !lifecycle_.verify()) return;
  if (was_active) deactivate("verifying the data again");
  spdlog::info("{}: verifying the data again", meta_.name);
  change_state(from);
}

void torrent::reannounce() {
  if (!active() || !announcer_) return;
  announce_timer_.cancel();  // the announce loop goes at once
}

void torrent::set_limits(const torrent_limits& l) {
  const auto now = std::chrono::steady_clock::now();
  if (l.download_rate) {
    download_rate_ = *l.download_rate;
    download_limit_.set_rate(download_rate_, swarm::default_burst(download_rate_), now);
  }
  if (l.upload_rate) {
    upload_rate_ = *l.upload_rate;
    upload_limit_.set_rate(upload_rate_, swarm::default_burst(upload_rate_), now);
  }
  if (l.max_peers) {
    opt_.max_peers = std::max<std::size_t>(1, *l.max_peers);
    // Over the new limit: the least useful connections (no data either way, then the slowest) go.
    while (peers_.size() > opt_.max_peers) {
      auto worst = std::min_element(peers_.begin(), peers_.end(), [](const auto& x, const auto& y) {
        return x->download_rate + x->upload_rate < y->download_rate + y->upload_rate;
      });
      (*worst)->close("over the new peer limit");
    }
  }
}

bool torrent::accepts_peers() const {
  if (stopping_ || seeding_done_) return false;
  const auto s = lifecycle_.state();
  return s == torrent_state::downloading || s == torrent_state::seeding || s == torrent_state::queued_for_check ||
         s == torrent_state::checking || s == torrent_state::fetching_metadata;
}

// Two peers that dial each other at once end up with two connections. Both sides keep the one dialled by the
// peer with the lower peer id (each side decides the same way, so the same connection survives on both ends);
// a second connection from the side that dialled the first one is refused. A connection that carries data, or
// has been up for a while, is kept whoever dialled it: closing it would send the blocks in flight twice (a seed
// leaving at --seed-ratio 1 cannot afford that), and the new one is new on both ends, so both decide alike
// (crossing dials meet before any data flows). True: refuse the new connection.
bool torrent::keep_existing_duplicate(const std::array<std::uint8_t, 20>& peer_id, bool outgoing) {
  constexpr auto settled_after = 2s;  // far longer than the handshakes of two crossing dials take
  auto it = std::find_if(peers_.begin(), peers_.end(),
                         [&](const auto& c) { return !c->closed() && c->peer_id == peer_id; });
  if (it == peers_.end()) return false;
  auto existing = *it;
  if (existing->outgoing == outgoing) return true;
  if (existing->downloaded + existing->uploaded > 0 ||
      std::chrono::steady_clock::now() - existing->attached_at > settled_after)
    return true;
  const auto& dialler_of_new = outgoing ? link_->peer_id : peer_id;
  const auto& dialler_of_existing = existing->outgoing ? link_->peer_id : peer_id;
  if (dialler_of_existing < dialler_of_new) return true;
  existing->close("duplicate connection to the same peer");
  return false;
}

void torrent::attach(asio::ip::tcp::socket socket, std::string name, const std::array<std::uint8_t, 20>& peer_id,
                     bool outgoing, peer::handshake_bits bits) {
  // A leech keeps a few spare slots for incoming peers beyond the ones it dials; a seed only takes incoming ones.
  const std::size_t limit = opt_.seed_only ? opt_.max_peers : opt_.max_peers + 10;
  if (!active() || seeding_done_) return;
  if (peers_.size() >= limit) {
    spdlog::debug("{}: refused {}: --max-peers connections open", meta_.name, name);
    return;
  }
  if (banned(name)) {
    spdlog::debug("{}: refused banned peer {}", meta_.name, name);
    return;
  }
  if (keep_existing_duplicate(peer_id, outgoing)) {
    spdlog::debug("{}: {}: already connected to that peer", meta_.name, name);
    return;
  }
  if (link_->peers_total != nullptr && link_->peers_total->full()) {
    spdlog::debug("{}: refused {}: --max-peers-total connections open", meta_.name, name);
    return;
  }
  if (link_->peers_total != nullptr) ++link_->peers_total->used;
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  if (!ec) note_own_address(peer_address::from_ip(local.address().to_string(), local.port()));
  auto c = std::make_shared<peer::peer_connection>(std::move(socket), *this, std::move(name),
                                                   static_cast<std::size_t>(meta_.piece_count()));
  c->peer_id = peer_id;
  c->generation = generation_;
  c->outgoing = outgoing;
  c->client = wire::client_name(peer_id);
  c->extensions = bits.extensions;
  c->fast = bits.fast;
  const std::uint16_t our_dht_port = dht_port();
  c->dht = bits.dht && our_dht_port != 0;
  peers_.push_back(c);
  ++peers_seen_;
  if (ticking_idle_) tick_timer_.cancel();  // back to a tick a second
  spdlog::debug("{}: peer {} ({}) connected ({} peers)", meta_.name, c->name(), c->client, peers_.size());
  if (c->fast) greet_fast(*c);
  else if (super_seeding()) super_seed_refill(*c);  // pieces revealed one by one, never a bitfield
  else if (picker_.have_count() > 0) c->send_bitfield(have_.bytes());
  if (c->extensions) send_extended_handshake(*c);
  if (c->dht) c->send_port(our_dht_port);  // BEP 5: after the bitfield, which must come first
  c->start();
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
  return remove_torrent_data(meta_, opt_.root);
}

torrent_status torrent::status() const {
  torrent_status s;
  s.id = id_;
  s.info_hash = meta_.info_hash;
  s.name = meta_.name;
  s.state = lifecycle_.state();
  s.finished = finished();
  s.error = lifecycle_.error();
  s.total_bytes = meta_.total_length;
  s.verified_bytes = meta_.total_length - picker_.bytes_left();
  if (check_) s.checked_bytes = check_->progress.bytes_done.load(std::memory_order_relaxed);
  s.piece_count = meta_.piece_count();
  s.pieces_have = picker_.have_count();
  s.download_rate = download_window_.rate();
  s.upload_rate = upload_window_.rate();
  const auto left = picker_.bytes_left();
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
  if (!verified_since_event_.empty() && link_->emit) {
    auto e = event(session_event::kind::pieces_verified);
    e.pieces = std::move(verified_since_event_);
    verified_since_event_.clear();
    link_->emit(std::move(e));
  }
  const auto st = lifecycle_.state();
  if (!with_stats || !link_->emit || (!active() && st != torrent_state::checking)) return;
  // An idle torrent says so once, then again only every stats_heartbeat: a thousand idle seeds stay quiet.
  auto status_now = status();
  const stats_mark mark{status_now.uploaded, status_now.downloaded, status_now.verified_bytes,
                        status_now.checked_bytes, status_now.peers};
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
  else if (from != torrent_state::seeding || opt_.seed_only) return;
  if (!opt_.seed_only) forget_ownership(meta_, opt_.root);  // every file verifies now: no record needed
  if (buffers_) buffers_->release_free();  // nothing more to gather
  report_complete();
  flush_events(false);  // the last pieces before `completed`
  if (link_->emit) {
    auto e = event(session_event::kind::completed);
    e.status = status();
    link_->emit(std::move(e));
  }
  change_state(from);
  completed_event_pending_ = downloaded_pieces_ > 0;  // complete on start: `started` says it all
  announce_timer_.cancel();  // the announce loop sends `completed` now
  for (auto& c : std::vector(peers_)) {
    c->send_interested(false);
    close_if_both_complete(*c);
  }
  if (opt_.keep_seeding && opt_.seed_ratio > 0) check_seed_ratio();  // the ratio may be reached already
}

void torrent::fail(std::string why, bool log) {
  const auto from = lifecycle_.state();
  const bool was_active = active();
  if (!lifecycle_.fail(why)) return;
  if (log) spdlog::error("{}: {}", meta_.name, why);
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

// A timer callback, not a coroutine: an active torrent keeps one pending wait (a hundred bytes) instead of a
// coroutine's frames (over a KiB), which counts with 10,000 torrents in a daemon.
void torrent::schedule_tick(std::uint64_t generation) {
  // A complete torrent with no peer has little to do each second (no rates, no timeouts, nobody to choke):
  // ticking it every 5 s keeps a daemon seeding thousands of torrents idle. A peer arriving wakes it.
  ticking_idle_ = idle_seed();
  tick_timer_.expires_after(ticking_idle_ ? 5s : 1s);
  tick_timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code) {
    // Cancelled or not, the generation says whether this ticker still runs.
    self->ticking_idle_ = false;
    if (generation != self->generation_) return;
    self->tick();
    if (generation == self->generation_) self->schedule_tick(generation);
  });
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
    // Enough requests in flight to cover a quarter second at the rate it sends at.
    c->max_inflight = std::clamp<std::size_t>(c->download_rate / 4 / block_size, min_inflight, max_inflight);
    if (!c->inflight.empty() && now - c->last_block > request_timeout) {
      spdlog::debug("{}: peer {} sent nothing for 30 s: its requests go to others", meta_.name, c->name());
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
  if (choker_.due(now)) run_choker(now);
  super_seed_tick(now);
  download_window_.add(now, downloaded_);
  upload_window_.add(now, uploaded_);
  if (running() && !opt_.seed_only) {
    if (nobody_can_help()) {
      fail("no tracker or peer can help: " + announcer_->refusal_text());
      return;
    }
    if (now - last_progress_ > opt_.timeout) {
      fail(peers_.empty() ? "no peers to download from within --timeout " + std::to_string(opt_.timeout.count()) + " s"
                          : "no progress for " + std::to_string(opt_.timeout.count()) + " s with " +
                                std::to_string(peers_.size()) + " peers");
      return;
    }
    if (all_banned()) {
      fail("no peers left: " + std::to_string(bans_count_) + " banned for sending data that failed the SHA-1 check");
      return;
    }
  }
  if (may_dial()) connect_more();
  if (opt_.seed_only || complete_data()) report_stats(false);
}

// A tracker refused the torrent, no other tracker answers, and there is no peer to ask: waiting for --timeout
// would gain nothing. A --peer, a connected peer or one still worth dialling keeps the download going.
bool torrent::nobody_can_help() const {
  if (!announcer_ || !announcer_->no_tracker_can_help()) return false;
  if (!opt_.peers.empty() || !peers_.empty() || connecting_ > 0) return false;
  for (const auto& [key, cand] : candidates_)
    if (cand.failures < 8 && !banned(key)) return false;
  return true;
}

// Each refusal once, at warning level, with the tracker's own words.
void torrent::report_refusals() {
  if (!announcer_) return;
  const auto& refused = announcer_->refusals();
  if (refused.size() == refusals_reported_) return;
  refusals_reported_ = refused.size();
  for (const auto& [url, reason] : refused)
    spdlog::warn("{}: tracker {} refused the torrent: {}", meta_.name, url, reason);
}

// Every peer we know of was banned and no tracker can name others: waiting for --timeout would gain nothing.
bool torrent::all_banned() const {
  if (bans_count_ == 0 || !peers_.empty() || connecting_ > 0 || announcer_) return false;
  for (const auto& [key, cand] : candidates_)
    if (!banned(key)) return false;
  return true;
}

void torrent::add_candidates(const std::vector<peer_address>& peers, peer_source source) {
  for (const auto& a : peers) {
    if (a.port == 0) continue;
    auto key = a.to_string();
    if (candidates_.size() >= 1000 && !candidates_.contains(key)) break;  // bounded
    candidates_.try_emplace(key, candidate{a}).first->second.sources |= source;
  }
  if (may_dial()) connect_more();
}

// Seeds dial too (as libtorrent's and Transmission's do): a leech behind NAT, or one that never dials out, is
// reached only that way. Trackers hand a seed only leechers; a peer found complete is not dialled again.
// A seed dials only hosts it has no connection with (libtorrent's default is one connection per IP): a leech
// that reached us already would otherwise get a second connection, and the one the duplicate rule closes may be
// carrying a piece, which a seed with --seed-ratio cannot afford to send twice.
bool torrent::connected_to_host(const peer_address& a) const {
  return std::any_of(peers_.begin(), peers_.end(), [&](const auto& c) {
    auto other = peer_address::parse(c->name());
    return other && other->v6 == a.v6 && other->ip == a.ip;
  });
}

bool torrent::may_dial() const {
  return active() && !seeding_done_;
}

void torrent::connect_more() {
  const auto now = std::chrono::steady_clock::now();
  const bool seeding = !fetching_metadata() && picker_.complete();
  for (auto& [key, cand] : candidates_) {
    if (peers_.size() + connecting_ >= opt_.max_peers) return;
    if (link_->peers_total != nullptr && link_->peers_total->full(connecting_)) return;
    if (cand.connected || cand.failures >= 8 || cand.next_try > now || banned(key)) continue;
    if (seeding && (cand.complete || connected_to_host(cand.addr))) continue;
    cand.connected = true;
    ++connecting_;
    auto self = shared_from_this();
    const auto gen = generation_;
    asio::co_spawn(link_->executor, [self, a = cand.addr, gen] { return self->connect(a, gen); },
                   net::report_exception("connect"));
  }
}

asio::awaitable<void> torrent::connect(peer_address addr, std::uint64_t generation) {
  auto self = shared_from_this();
  const auto key = addr.to_string();
  peer::handshake_params hp{meta_.info_hash, link_->peer_id, dht_port() != 0};
  auto peer = co_await peer::connect_and_handshake(link_->executor, addr, hp, 10s);
  if (generation != generation_) co_return;  // paused or stopped meanwhile (connecting_ was reset then)
  --connecting_;
  auto it = candidates_.find(key);
  if (!peer) {
    spdlog::debug("{}: {}: {}", meta_.name, key, peer.message());
    if (it != candidates_.end()) {
      it->second.connected = false;
      // Our own address, handed back by a tracker: never again.
      it->second.failures += peer.message() == "connected to ourselves" ? 100 : 1;
      it->second.next_try = std::chrono::steady_clock::now() + std::chrono::seconds(1 << std::min(it->second.failures, 6));
    }
    co_return;
  }
  if (!active()) co_return;
  attach(std::move(peer->socket), key, peer->peer_id, true, peer->bits);
}

void torrent::report_complete() {
  if (opt_.seed_only) return;
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - started_at_).count();
  const double rate = secs > 0 ? static_cast<double>(downloaded_) / secs : 0;
  // Tests read this line: the verified total, what this run fetched, and what a previous run left.
  spdlog::info("{}: complete: {} bytes verified; downloaded {} pieces ({} bytes) in {:.2f} s ({}) from {} "
               "peers; {} pieces were already verified; {} hash failures, {} peers banned",
               meta_.name, meta_.total_length, downloaded_pieces_, downloaded_, secs, format_bytes(rate) + "/s", peers_seen_,
               resumed_pieces_, hash_failures_, bans_count_);
}

}  // namespace shoal::session
