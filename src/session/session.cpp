#include "shoal/session/session.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include "shoal/session/spawn.hpp"
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/peer/handshake_io.hpp"
#include "shoal/wire/handshake.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::session {

namespace {
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
}

session::session(session_options opt)
    : opt_(std::move(opt)),
      hash_pool_(static_cast<std::size_t>(std::max(1, opt_.hash_threads))),
      acceptor_(io_),
      signals_(io_),
      winch_(io_),
      done_(io_),
      status_timer_(io_),
      peer_id_(wire::make_peer_id()) {
  download_total_.set_rate(opt_.max_download_rate_total, swarm::default_burst(opt_.max_download_rate_total),
                           std::chrono::steady_clock::now());
  upload_total_.set_rate(opt_.max_upload_rate_total, swarm::default_burst(opt_.max_upload_rate_total),
                         std::chrono::steady_clock::now());
}

session::~session() {
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
  return ok();
}

status session::add(metainfo m, torrent_options opt) {
  if (torrents_.contains(m.info_hash)) return error{m.name + ": the same torrent was given twice"};
  session_link link;
  link.io = &io_;
  link.hash_pool = &hash_pool_;
  link.peer_id = peer_id_;
  link.listen_port = port_;
  if (opt_.max_download_rate_total != 0) link.download_total = &download_total_;
  if (opt_.max_upload_rate_total != 0) link.upload_total = &upload_total_;
  peers_total_.limit = opt_.max_peers_total;
  link.peers_total = &peers_total_;
  link.on_finished = [this] { check_finished(); };
  auto hash = m.info_hash;
  auto t = torrent::open(std::move(m), std::move(opt), std::move(link));
  if (!t) return t.err();
  torrents_.emplace(hash, std::move(*t));
  return ok();
}

void session::check_finished() {
  for (auto& [h, t] : torrents_)
    if (!t->finished()) return;
  spdlog::debug("session: every torrent finished");
  finish_ = true;
  done_.cancel();
}

asio::awaitable<void> session::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, s] = co_await acceptor_.async_accept(use_nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      spdlog::debug("accept: {}", ec.message());
      continue;
    }
    asio::co_spawn(io_, handle_incoming(std::move(s)), report_exception("incoming connection"));
  }
}

// Routes an incoming connection by the info-hash of its handshake; unknown torrents are closed at once.
asio::awaitable<void> session::handle_incoming(asio::ip::tcp::socket s) {
  boost::system::error_code ec;
  auto remote = s.remote_endpoint(ec);
  const std::string name = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
  auto hs = co_await peer::read_handshake(s, 10s);
  if (!hs) {
    spdlog::debug("incoming {}: {}", name, hs.message());
    co_return;
  }
  auto it = torrents_.find(hs->info_hash);
  if (it == torrents_.end() || it->second->stopping()) {
    spdlog::debug("incoming {}: unknown info-hash {}", name, hs->info_hash.hex());
    co_return;  // the socket closes here
  }
  if (hs->peer_id == peer_id_) co_return;  // ourselves, through a tracker's peer list
  auto t = it->second;
  if (auto st = co_await peer::send_handshake(s, {t->info_hash(), peer_id_}); !st) co_return;
  t->attach(std::move(s), name, hs->peer_id, false);
}

std::vector<ui::transfer_status> session::statuses() const {
  std::vector<ui::transfer_status> all;
  for (const auto& [h, t] : torrents_) all.push_back(t->snapshot());
  return all;
}

asio::awaitable<void> session::status_loop() {
  while (!finish_) {
    display_->show(statuses());
    status_timer_.expires_after(1s);
    co_await status_timer_.async_wait(use_nothrow);
  }
}

// SIGWINCH: the width is re-read and the lines redrawn at once, not at the next tick.
asio::awaitable<void> session::resize_loop() {
  while (!finish_) {
    auto [ec, sig] = co_await winch_.async_wait(use_nothrow);
    if (ec || finish_) co_return;
    display_->resized();
    display_->show(statuses());
  }
}

asio::awaitable<void> session::main_loop() {
  for (auto& [h, t] : torrents_) t->start();  // a leech whose data was already complete
  while (!finish_) {
    done_.expires_at(asio::steady_timer::time_point::max());
    co_await done_.async_wait(use_nothrow);
  }
  spdlog::debug("session: finishing");
  boost::system::error_code ec;
  acceptor_.close(ec);
  status_timer_.cancel();
  winch_.cancel(ec);
  // Every torrent stops at once, all within one bound: a user who pressed Ctrl-C waits under a second even when
  // a tracker never answers.
  const auto deadline = std::chrono::steady_clock::now() + (interrupted_by_ != 0 ? 800ms : 5s);
  struct pending_stops {
    std::size_t left;
    asio::steady_timer all_done;
  };
  auto pending = std::make_shared<pending_stops>(pending_stops{torrents_.size(), asio::steady_timer(io_)});
  pending->all_done.expires_at(deadline);
  for (auto& [h, t] : torrents_)
    asio::co_spawn(io_, t->shutdown(deadline, interrupted_by_ != 0), [pending](std::exception_ptr) {
      if (--pending->left == 0) pending->all_done.cancel();
    });
  if (pending->left > 0) co_await pending->all_done.async_wait(use_nothrow);
  signals_.cancel(ec);
  io_.stop();
}

void session::on_signal(int sig) {
  if (interrupted_by_ != 0) {
    // The user insists: nothing is lost (every verified piece is on disk), so no more waiting for trackers.
    std::fprintf(stderr, "\nsignal %d again: exiting now; run the same command again to resume\n", sig);
    std::fflush(stderr);
    std::_Exit(128 + sig);
  }
  interrupted_by_ = sig;
  spdlog::info("{}: stopping (telling the trackers, at most 1 s); press Ctrl-C again to quit at once",
               sig == SIGINT ? "interrupted" : "terminated");
  finish_ = true;
  done_.cancel();
  signals_.async_wait([this](const boost::system::error_code& ec, int again) {
    if (!ec) on_signal(again);
  });
}

int session::run() {
  // Signals are taken over here, not at construction: until now (loading, checking the data) the default action
  // ends the process at once, which loses nothing.
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (!ec) on_signal(sig);
  });
  display_ = std::make_unique<ui::status_area>(stderr, ::isatty(STDERR_FILENO) == 1);
  if (display_->terminal()) {
    winch_.add(SIGWINCH);
    asio::co_spawn(io_, resize_loop(), report_exception("resize"));
  }
  asio::co_spawn(io_, accept_loop(), report_exception("accept"));
  asio::co_spawn(io_, main_loop(), report_exception("session"));
  asio::co_spawn(io_, status_loop(), report_exception("status"));
  io_.run();
  display_->finish(statuses());
  display_.reset();
  // Failures were logged once, when they happened; here only the exit status and the resume hint.
  int code = 0;
  bool resumable = false;
  for (auto& [h, t] : torrents_) {
    if (t->state() == torrent::outcome::failed) code = 1;
    else if (t->state() == torrent::outcome::running && !t->seeding_only()) resumable = true;
  }
  if (interrupted_by_ != 0 && resumable) {
    spdlog::warn("interrupted before every piece was verified; run the same command again to resume");
    return 128 + interrupted_by_;
  }
  return code;
}

}  // namespace shoal::session
