// Torrent lifecycle: open + check, start, attach connections, periodic work, shutdown.
#include "shoal/session/torrent.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include "shoal/session/spawn.hpp"
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/read.hpp>
#include <spdlog/spdlog.h>

#include "shoal/peer/handshake_io.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/data_check.hpp"
#include "shoal/tracker/client/announcer.hpp"
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
}  // namespace

result<std::shared_ptr<torrent>> torrent::open(metainfo m, torrent_options opt, session_link link) {
  check_options co;
  co.seed_only = opt.seed_only;
  co.threads = opt.hash_threads;
  co.progress_bar = opt.progress_bar;
  co.overwrite = opt.overwrite;
  co.preallocate = opt.preallocate;
  auto checked = open_and_check(m, opt.root, co);
  if (!checked) return checked.err();
  auto t = std::shared_ptr<torrent>(new torrent(std::move(m), std::move(opt), std::move(link),
                                                std::move(checked->store)));
  for (int i = 0; i < t->meta_.piece_count(); ++i)
    if (checked->have.get(static_cast<std::size_t>(i))) {
      t->picker_.set_have(i);
      t->have_.set(static_cast<std::size_t>(i));
    }
  t->resumed_pieces_ = t->picker_.have_count();
  return t;
}

torrent::torrent(metainfo m, torrent_options opt, session_link link, storage st)
    : meta_(std::move(m)),
      opt_(std::move(opt)),
      link_(std::move(link)),
      storage_(std::make_shared<storage>(std::move(st))),
      picker_(meta_.piece_count(), meta_.piece_length, meta_.total_length),
      have_(static_cast<std::size_t>(meta_.piece_count())),
      failures_(static_cast<std::size_t>(meta_.piece_count()), 0),
      retried_(static_cast<std::size_t>(meta_.piece_count()), 0),
      choker_({opt_.seed_only ? swarm::choke_mode::seed : swarm::choke_mode::leech, opt_.upload_slots}),
      download_limit_(opt_.download_rate_limit, swarm::default_burst(opt_.download_rate_limit),
                      std::chrono::steady_clock::now(), link_.download_total),
      upload_limit_(opt_.upload_rate_limit, swarm::default_burst(opt_.upload_rate_limit),
                    std::chrono::steady_clock::now(), link_.upload_total),
      tick_timer_(*link_.io),
      announce_timer_(*link_.io) {
  limits_ = wire::make_wire_limits(static_cast<std::uint32_t>(meta_.piece_count()),
                                   static_cast<std::uint32_t>(meta_.piece_length),
                                   static_cast<std::uint32_t>(meta_.piece_size(meta_.piece_count() - 1)),
                                   128 * 1024);  // tolerate clients asking for blocks larger than 16 KiB
  if (opt_.super_seed && opt_.seed_only)
    super_seeder_ = std::make_unique<swarm::super_seeder>(meta_.piece_count(), super_seed_offers, std::random_device{}());
  if (!meta_.trackers.empty()) announcer_ = std::make_unique<announcer>(link_.io->get_executor(), meta_.trackers);
}

torrent::~torrent() = default;

void torrent::start() {
  started_at_ = last_progress_ = std::chrono::steady_clock::now();
  const int total = meta_.piece_count();
  if (opt_.seed_only) {
    spdlog::info("{}: seeding {} pieces ({} bytes){}", meta_.name, total, meta_.total_length,
                 super_seeding() ? ", super-seeding" : "");
  } else {
    // Tests and users read this line: how much of a previous run survived.
    spdlog::info("{}: resume: {} of {} pieces already verified", meta_.name, resumed_pieces_, total);
  }
  add_candidates(opt_.peers);
  auto self = shared_from_this();
  asio::co_spawn(*link_.io, [self] { return self->ticker(); }, report_exception("ticker"));
  if (announcer_) asio::co_spawn(*link_.io, [self] { return self->announce_loop(); }, report_exception("announce"));
  if (picker_.complete() && !opt_.seed_only) complete();
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
  const auto& dialler_of_new = outgoing ? link_.peer_id : peer_id;
  const auto& dialler_of_existing = existing->outgoing ? link_.peer_id : peer_id;
  if (dialler_of_existing < dialler_of_new) return true;
  existing->close("duplicate connection to the same peer");
  return false;
}

void torrent::attach(asio::ip::tcp::socket socket, std::string name, const std::array<std::uint8_t, 20>& peer_id,
                     bool outgoing) {
  // A leech keeps a few spare slots for incoming peers beyond the ones it dials; a seed only takes incoming ones.
  const std::size_t limit = opt_.seed_only ? opt_.max_peers : opt_.max_peers + 10;
  if (stopping_ || seeding_done_) return;
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
  if (link_.peers_total != nullptr && link_.peers_total->full()) {
    spdlog::debug("{}: refused {}: --max-peers-total connections open", meta_.name, name);
    return;
  }
  if (link_.peers_total != nullptr) ++link_.peers_total->used;
  auto c = std::make_shared<peer::peer_connection>(std::move(socket), shared_from_this(), std::move(name),
                                                   static_cast<std::size_t>(meta_.piece_count()));
  c->peer_id = peer_id;
  c->outgoing = outgoing;
  c->client = wire::client_name(peer_id);
  peers_.push_back(c);
  ++peers_seen_;
  spdlog::debug("{}: peer {} ({}) connected ({} peers)", meta_.name, c->name(), c->client, peers_.size());
  if (super_seeding()) super_seed_refill(*c);  // pieces revealed one by one, never a bitfield
  else if (picker_.have_count() > 0) c->send_bitfield(have_.bytes());
  c->start();
}

asio::awaitable<void> torrent::shutdown(std::chrono::steady_clock::time_point deadline, bool hurry) {
  if (stopping_) co_return;
  auto self = shared_from_this();
  stopping_ = true;
  report_stats(true);
  tick_timer_.cancel();
  announce_timer_.cancel();
  auto all = peers_;
  for (auto& c : all) c->close("shutting down");
  if (!announcer_ || announcer_->refusals().size() >= announcer_->trackers().size()) co_return;
  // In a hurry, an announce in flight (a tracker that does not answer) is abandoned: stopped goes out instead.
  if (hurry && announce_deadline_ != nullptr) announce_deadline_->cancel();
  asio::steady_timer wait(*link_.io);
  while (announcing_ && std::chrono::steady_clock::now() + 10ms < deadline) {
    wait.expires_after(10ms);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (!announcing_ && left > 10ms) co_await announce_once(static_cast<int>(announce_event::stopped), left);
}

ui::transfer_status torrent::snapshot() const {
  using phase = ui::transfer_status::phase;
  ui::transfer_status s;
  s.name = meta_.name;
  s.total = meta_.total_length;
  s.done = meta_.total_length - picker_.bytes_left();
  s.download_rate = download_window_.rate();
  s.upload_rate = upload_window_.rate();
  s.uploaded = uploaded_;
  s.peers = peers_.size();
  if (outcome_ == outcome::failed) s.state = phase::failed;
  else if (opt_.seed_only || (outcome_ == outcome::complete && opt_.keep_seeding && !left_)) s.state = phase::seeding;
  else if (outcome_ == outcome::complete) s.state = phase::complete;
  return s;
}

void torrent::complete() {
  if (outcome_ != outcome::running) return;
  outcome_ = outcome::complete;
  if (!opt_.seed_only) forget_ownership(meta_, opt_.root);  // every file verifies now: no record needed
  report_complete();
  completed_event_pending_ = downloaded_pieces_ > 0;  // complete on start: `started` says it all
  announce_timer_.cancel();  // the announce loop sends `completed` now
  for (auto& c : std::vector(peers_)) {
    c->send_interested(false);
    close_if_both_complete(*c);
  }
  if (!opt_.keep_seeding && link_.on_finished) link_.on_finished();
  else if (opt_.seed_ratio > 0) check_seed_ratio();  // the ratio may be reached already
}

void torrent::fail(std::string why) {
  if (outcome_ != outcome::running) return;
  outcome_ = outcome::failed;
  failure_ = meta_.name + ": " + why;
  spdlog::error("{}", failure_);
  if (link_.on_finished) link_.on_finished();
}

asio::awaitable<void> torrent::ticker() {
  auto self = shared_from_this();
  while (!stopping_) {
    tick_timer_.expires_after(1s);
    co_await tick_timer_.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled: stopping_ says so
    if (stopping_) break;
    tick();
  }
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
  if (choker_.due(now)) run_choker(now);
  super_seed_tick(now);
  download_window_.add(now, downloaded_);
  upload_window_.add(now, uploaded_);
  if (outcome_ == outcome::running && !opt_.seed_only) {
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
  if (opt_.seed_only || outcome_ == outcome::complete) report_stats(false);
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

void torrent::add_candidates(const std::vector<peer_address>& peers) {
  for (const auto& a : peers) {
    if (a.port == 0) continue;
    auto key = a.to_string();
    if (candidates_.size() >= 1000 && !candidates_.contains(key)) break;  // bounded
    candidates_.try_emplace(key, candidate{a});
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
  return !stopping_ && !seeding_done_ && outcome_ != outcome::failed;
}

void torrent::connect_more() {
  const auto now = std::chrono::steady_clock::now();
  const bool seeding = picker_.complete();
  for (auto& [key, cand] : candidates_) {
    if (peers_.size() + connecting_ >= opt_.max_peers) return;
    if (link_.peers_total != nullptr && link_.peers_total->full(connecting_)) return;
    if (cand.connected || cand.failures >= 8 || cand.next_try > now || banned(key)) continue;
    if (seeding && (cand.complete || connected_to_host(cand.addr))) continue;
    cand.connected = true;
    ++connecting_;
    auto self = shared_from_this();
    asio::co_spawn(*link_.io, [self, a = cand.addr] { return self->connect(a); }, report_exception("connect"));
  }
}

asio::awaitable<void> torrent::connect(peer_address addr) {
  auto self = shared_from_this();
  const auto key = addr.to_string();
  peer::handshake_params hp{meta_.info_hash, link_.peer_id};
  auto peer = co_await peer::connect_and_handshake(*link_.io, addr, hp, 10s);
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
  if (stopping_ || outcome_ == outcome::failed) co_return;
  attach(std::move(peer->socket), key, peer->peer_id, true);
}

void torrent::report_complete() {
  if (opt_.seed_only) return;
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - started_at_).count();
  const double rate = secs > 0 ? static_cast<double>(downloaded_) / secs : 0;
  // Tests read this line: the verified total, what this run fetched, and what a previous run left.
  spdlog::info("{}: complete: {} bytes verified; downloaded {} pieces ({} bytes) in {:.2f} s ({}) from {} "
               "peers; {} pieces were already verified; {} hash failures, {} peers banned",
               meta_.name, meta_.total_length, downloaded_pieces_, downloaded_, secs, ui::format_rate(rate), peers_seen_,
               resumed_pieces_, hash_failures_, bans_count_);
}

}  // namespace shoal::session
