#include "shoal/session/session.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"
#include "shoal/peer/handshake_io.hpp"
#include "shoal/wire/handshake.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::session {

namespace {
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
// An incoming peer for a torrent that is still being checked waits this long for the check, then is closed.
constexpr auto wait_for_check = 60s;
}  // namespace

session::session(asio::any_io_executor executor, session_options opt)
    : executor_(std::move(executor)),
      opt_(std::move(opt)),
      hash_pool_(static_cast<std::size_t>(std::max(1, opt_.hash_threads))),
      check_pool_(std::max<std::size_t>(1, opt_.max_concurrent_checks)),
      acceptor_(executor_),
      events_timer_(executor_),
      peer_id_(wire::make_peer_id()) {
  download_total_.set_rate(opt_.max_download_rate_total, swarm::default_burst(opt_.max_download_rate_total),
                           std::chrono::steady_clock::now());
  upload_total_.set_rate(opt_.max_upload_rate_total, swarm::default_burst(opt_.max_upload_rate_total),
                         std::chrono::steady_clock::now());
  peers_total_.limit = opt_.max_peers_total;
  dht_saved_ = opt_.dht_state;
  asio::co_spawn(executor_, events_loop(alive_), net::report_exception("session events"));
}

// An event reaches subscribers that may add or remove torrents, which moves the others in torrents_: it is walked
// by position, each torrent held meanwhile (one that moved past is skipped this round: flushed by the next).
template <class F>
void session::each_torrent(F&& f) {
  for (std::size_t i = 0; i < torrents_.size(); ++i) {
    const auto t = (torrents_.begin() + static_cast<std::ptrdiff_t>(i))->second;
    f(*t);
  }
}

session::~session() {
  *alive_ = false;
  each_torrent([](torrent& t) { t.stop_now(); });  // checks cancelled: the pools' joins do not wait for them
  check_pool_.join();
  hash_pool_.join();
}

status session::listen() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(opt_.host, ec);
  if (ec) return error{"--host " + opt_.host + ": not an IP address"};
  auto try_bind = [&](std::uint16_t port) -> boost::system::error_code {
    boost::system::error_code e;
    if (acceptor_.is_open()) acceptor_.close(e);
    asio::ip::tcp::endpoint ep(addr, port);
    acceptor_.open(ep.protocol(), e);
    if (!e) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), e);
    if (!e) acceptor_.bind(ep, e);
    if (!e) acceptor_.listen(asio::socket_base::max_listen_connections, e);
    return e;
  };
  ec = try_bind(opt_.port);
  if (ec && opt_.any_port_if_busy) {
    spdlog::warn("port {} is busy ({}), listening on another one", opt_.port, ec.message());
    ec = try_bind(0);
  }
  if (ec) return error{"cannot listen on " + opt_.host + ":" + std::to_string(opt_.port) + ": " + ec.message()};
  port_ = acceptor_.local_endpoint().port();
  spdlog::info("listening on {}:{}", opt_.host, port_);
  asio::co_spawn(executor_, accept_loop(alive_), net::report_exception("accept"));
  return ok();
}

result<torrent_id> session::add(metainfo m, torrent_options opt, bool paused) {
  if (stopped_) return error{m.name + ": the session is stopping"};
  if (by_hash_.contains(m.info_hash)) return error{m.name + ": the same torrent was added already"};
  if (opt.resume && opt.resume->paused) paused = true;
  const torrent_id id = next_id_++;
  const auto hash = m.info_hash;
  added_event(id, hash, m.name, paused ? torrent_state::paused : torrent_state::queued_for_check);
  const bool is_private = m.is_private;
  auto t = torrent::create(id, std::move(m), std::move(opt), torrent_link(), paused);
  by_hash_.emplace(hash, id);
  dht_track(t, is_private);
  torrents_.emplace(id, t);
  t->start_from_resume();  // trusted: not queued_for_check any more, so the verify queue passes it by
  start_checks();
  return id;
}

result<torrent_id> session::add_magnet(const magnet_link& link, torrent_options opt, bool paused) {
  const std::string name = link.name.empty() ? link.info_hash.hex() : link.name;
  if (stopped_) return error{name + ": the session is stopping"};
  if (by_hash_.contains(link.info_hash)) return error{name + ": the same torrent was added already"};
  const torrent_id id = next_id_++;
  added_event(id, link.info_hash, name, paused ? torrent_state::paused : torrent_state::fetching_metadata);
  auto t = torrent::create_magnet(id, link, std::move(opt), torrent_link(), paused);
  by_hash_.emplace(link.info_hash, id);
  dht_track(t, false);  // a magnet's privacy is unknown until its metadata arrives
  torrents_.emplace(id, std::move(t));
  return id;
}

void session::added_event(torrent_id id, const sha1_digest& hash, const std::string& name, torrent_state state) {
  session_event e;
  e.type = session_event::kind::added;
  e.id = id;
  e.info_hash = hash;
  e.name = name;
  e.to = state;
  emit(std::move(e));  // before the torrent's own events
}

void session::set_total_limits(std::uint64_t download_rate, std::uint64_t upload_rate, std::size_t max_peers) {
  const auto now = std::chrono::steady_clock::now();
  opt_.max_download_rate_total = download_rate;
  opt_.max_upload_rate_total = upload_rate;
  opt_.max_peers_total = max_peers;
  download_total_.set_rate(download_rate, swarm::default_burst(download_rate), now);
  upload_total_.set_rate(upload_rate, swarm::default_burst(upload_rate), now);
  peers_total_.limit = max_peers;
}

// Built once: every torrent shares it (two std::functions and an executor per torrent add up at 10,000).
std::shared_ptr<const session_link> session::torrent_link() {
  if (link_) return link_;
  auto link = std::make_shared<session_link>();
  link->executor = executor_;
  link->hash_pool = &hash_pool_;
  link->peer_id = peer_id_;
  link->listen_port = port_;
  // Linked even while unlimited (an unlimited bucket grants at once): set_total_limits may limit it later.
  link->download_total = &download_total_;
  link->upload_total = &upload_total_;
  link->peers_total = &peers_total_;
  link->roots = &roots_;
  link->settings = &settings_;
  // Torrents may outlive the session by a few handlers (a stopped announce, a hash result): `alive` guards.
  link->emit = [this, alive = alive_](session_event e) {
    if (*alive) emit(std::move(e));
  };
  link->request_check = [this, alive = alive_](torrent_id id) {
    if (*alive) request_check(id);
  };
  link->dht_port = [this, alive = alive_]() -> std::uint16_t { return *alive && dht_ ? dht_->port() : 0; };
  link->dht_add_node = [this, alive = alive_](const peer_address& node) {
    if (*alive && dht_) dht_->add_node(node);
  };
  // Posted: the torrent calls it from inside its message handling.
  link->became_private = [this, alive = alive_](torrent_id id) {
    asio::post(executor_, [this, alive, id] {
      if (*alive) dht_became_private(id);
    });
  };
  link_ = std::move(link);
  return link_;
}

error session::unknown(torrent_id id) { return error{"no torrent with id " + std::to_string(id)}; }

std::shared_ptr<torrent> session::get(torrent_id id) const {
  auto it = torrents_.find(id);
  return it == torrents_.end() ? nullptr : it->second;
}

status session::remove(torrent_id id, bool delete_data) {
  auto t = get(id);
  if (!t) return unknown(id);
  torrents_.erase(id);
  by_hash_.erase(t->info_hash());
  dht_untrack(t->info_hash());
  dht_release();
  std::erase(check_queue_, id);
  t->stop_now();
  session_event e;
  e.type = session_event::kind::removed;
  e.id = id;
  e.info_hash = t->info_hash();
  e.name = t->info().name;
  if (delete_data) {
    if (auto st = t->delete_data(); !st) {
      spdlog::error("{}: removing its data: {}", t->info().name, st.message());
      e.message = st.message();
    } else {
      e.data_deleted = true;
    }
  }
  spdlog::info("{}: removed{}", t->info().name, e.data_deleted ? " with its data" : "");
  emit(std::move(e));
  // The stopped announce goes on in the background, bounded; the torrent lives until it is done.
  asio::co_spawn(executor_, t->announce_stopped(std::chrono::steady_clock::now() + 5s, true),
                 [t](std::exception_ptr) {});
  return ok();
}

status session::pause(torrent_id id) {
  auto t = get(id);
  if (!t) return unknown(id);
  t->pause();
  return ok();
}

status session::resume(torrent_id id) {
  auto t = get(id);
  if (!t) return unknown(id);
  t->resume();
  return ok();
}

status session::verify(torrent_id id) {
  auto t = get(id);
  if (!t) return unknown(id);
  t->verify();
  return ok();
}

status session::reannounce(torrent_id id) {
  auto t = get(id);
  if (!t) return unknown(id);
  t->reannounce();
  return ok();
}

status session::set_limits(torrent_id id, const torrent_limits& limits) {
  auto t = get(id);
  if (!t) return unknown(id);
  t->set_limits(limits);
  return ok();
}

std::optional<torrent_id> session::find(const sha1_digest& info_hash) const {
  auto it = by_hash_.find(info_hash);
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

std::optional<torrent_status> session::status_of(torrent_id id) const {
  auto t = get(id);
  if (!t) return std::nullopt;
  return t->status();
}

std::optional<resume_data> session::resume_of(torrent_id id) const {
  auto t = get(id);
  if (!t) return std::nullopt;
  return t->resume_now();
}

std::optional<torrent_history> session::history_of(torrent_id id) const {
  auto t = get(id);
  if (!t) return std::nullopt;
  return t->history();
}

void session::statuses(std::vector<torrent_status>& out) const {
  out.reserve(out.size() + torrents_.size());
  for (const auto& [id, t] : torrents_) out.push_back(t->status());
}

std::vector<torrent_id> session::ids() const {
  std::vector<torrent_id> out;
  out.reserve(torrents_.size());
  for (const auto& [id, t] : torrents_) out.push_back(id);
  return out;
}

session_status session::totals() const {
  session_status s;
  s.port = port_;
  s.torrents = torrents_.size();
  for (const auto& [id, t] : torrents_) {
    auto st = t->status();
    if (st.state == torrent_state::downloading || st.state == torrent_state::seeding) ++s.active;
    s.peers += st.peers;
    s.download_rate += st.download_rate;
    s.upload_rate += st.upload_rate;
    s.uploaded += st.uploaded;
    s.downloaded += st.downloaded;
  }
  return s;
}

// The verify queue: a torrent entering queued_for_check waits its turn; `max_concurrent_checks` run at once.
void session::request_check(torrent_id id) {
  if (std::find(check_queue_.begin(), check_queue_.end(), id) == check_queue_.end()) check_queue_.push_back(id);
  asio::post(executor_, [this, alive = alive_] {
    if (*alive) start_checks();
  });
}

void session::start_checks() {
  while (!stopped_ && checks_running_ < std::max<std::size_t>(1, opt_.max_concurrent_checks) && !check_queue_.empty()) {
    const auto id = check_queue_.front();
    check_queue_.pop_front();
    auto t = get(id);
    if (!t || t->state() != torrent_state::queued_for_check) continue;
    ++checks_running_;
    t->run_check(check_pool_, [this, alive = alive_] {
      if (!*alive) return;
      --checks_running_;
      asio::post(executor_, [this, alive] {
        if (*alive) start_checks();
      });
    });
  }
}

// Events wait in a queue and reach the handlers from the executor: a handler may remove the very torrent whose
// call emitted the event.
void session::emit(session_event e) {
  pending_events_.push_back(std::move(e));
  if (pending_events_.size() == 1 && !delivering_)
    asio::post(executor_, [this, alive = alive_] {
      if (*alive) deliver();
    });
}

void session::deliver() {
  delivering_ = true;
  for (std::size_t i = 0; i < pending_events_.size(); ++i) {
    const auto e = pending_events_[i];  // a copy: handlers may emit more (the vector may grow)
    for (std::size_t h = 0; h < handlers_.size(); ++h) {
      auto handler = handlers_[h].second;  // a copy: the handler may unsubscribe itself
      handler(e);
    }
  }
  pending_events_.clear();
  // A burst (a restore or a flush over thousands of torrents) leaves no lasting buffer behind.
  if (pending_events_.capacity() > 64) pending_events_.shrink_to_fit();
  delivering_ = false;
}

std::size_t session::subscribe(event_handler handler) {
  handlers_.emplace_back(next_handler_, std::move(handler));
  return next_handler_++;
}

void session::unsubscribe(std::size_t key) {
  std::erase_if(handlers_, [&](const auto& h) { return h.first == key; });
}

// Once a second: batched piece events; every stats_interval: stats of the torrents that are doing something.
asio::awaitable<void> session::events_loop(std::shared_ptr<bool> alive) {
  auto last_stats = std::chrono::steady_clock::now();
  while (!stopped_) {
    events_timer_.expires_after(1s);
    co_await events_timer_.async_wait(use_nothrow);
    if (!*alive || stopped_) co_return;
    const auto now = std::chrono::steady_clock::now();
    tick_torrents(now);
    if (!*alive || stopped_) co_return;
    const bool stats = !handlers_.empty() && now - last_stats >= opt_.stats_interval;
    if (stats) last_stats = now;
    if (handlers_.empty()) continue;
    each_torrent([stats](torrent& t) { t.flush_events(stats); });
  }
}

// A tick may end in an error, whose event reaches subscribers that may add or remove torrents: the map is not
// walked while torrents run their ticks.
void session::tick_torrents(std::chrono::steady_clock::time_point now) {
  ticking_.clear();
  for (const auto& [id, t] : torrents_) ticking_.push_back(id);
  for (const auto id : ticking_)
    if (auto t = get(id)) t->on_session_tick(now);
}

asio::awaitable<void> session::accept_loop(std::shared_ptr<bool> alive) {
  while (acceptor_.is_open()) {
    auto [ec, s] = co_await acceptor_.async_accept(use_nothrow);
    if (!*alive) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      spdlog::debug("accept: {}", ec.message());
      continue;
    }
    asio::co_spawn(executor_, handle_incoming(std::move(s), alive), net::report_exception("incoming connection"));
  }
}

// Routes an incoming connection by the info-hash of its handshake; unknown torrents are closed at once. One that
// is still being checked keeps the peer waiting (its handshake unanswered) until it is ready.
asio::awaitable<void> session::handle_incoming(asio::ip::tcp::socket s, std::shared_ptr<bool> alive) {
  boost::system::error_code ec;
  auto remote = s.remote_endpoint(ec);
  const std::string name = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
  auto hs = co_await peer::read_handshake(s, 10s);
  if (!*alive) co_return;
  if (!hs) {
    spdlog::debug("incoming {}: {}", name, hs.message());
    co_return;
  }
  if (hs->peer_id == peer_id_) co_return;  // ourselves, through a tracker's peer list
  asio::steady_timer wait(executor_);
  const auto give_up = std::chrono::steady_clock::now() + wait_for_check;
  for (;;) {
    auto id = find(hs->info_hash);
    auto t = id ? get(*id) : nullptr;
    if (!t || !t->accepts_peers() || stopped_) {
      spdlog::debug("incoming {}: unknown info-hash {}", name, hs->info_hash.hex());
      co_return;  // the socket closes here
    }
    if (t->ready_for_peers()) {
      if (auto st = co_await peer::send_handshake(s, {t->info_hash(), peer_id_, t->dht_port() != 0}); !st || !*alive)
        co_return;
      t->attach(std::move(s), name, hs->peer_id, false, hs->bits);
      co_return;
    }
    if (std::chrono::steady_clock::now() > give_up) co_return;
    wait.expires_after(100ms);
    co_await wait.async_wait(use_nothrow);
    if (!*alive) co_return;
  }
}

asio::awaitable<void> session::stop(std::chrono::milliseconds bound, bool hurry) {
  if (stopped_) co_return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  events_timer_.cancel();
  dht_stop();
  each_torrent([](torrent& t) { t.flush_events(false); });
  // Every torrent stops at once, all within one bound: a user who pressed Ctrl-C waits under a second even when
  // a tracker never answers.
  const auto deadline = std::chrono::steady_clock::now() + bound;
  struct pending_stops {
    std::size_t left;
    asio::steady_timer all_done;
  };
  auto pending = std::make_shared<pending_stops>(pending_stops{torrents_.size(), asio::steady_timer(executor_)});
  pending->all_done.expires_at(deadline);
  each_torrent([&](torrent& t) {
    asio::co_spawn(executor_, t.shutdown(deadline, hurry), [pending](std::exception_ptr) {
      if (--pending->left == 0) pending->all_done.cancel();
    });
  });
  if (pending->left > 0) co_await pending->all_done.async_wait(use_nothrow);
}

}  // namespace shoal::session
