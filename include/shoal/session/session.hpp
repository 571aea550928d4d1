#pragma once
// A running process: one io_context, one listening port, many torrents routed by the handshake's info-hash,
// a small pool for SHA-1 checks, the progress display, and SIGINT/SIGTERM handling: the first signal stops
// (stopped announces bounded to 0.8 s), a second one exits at once.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/session/torrent.hpp"
#include "shoal/ui/status_area.hpp"
#include "shoal/util/result.hpp"

namespace shoal::session {

struct session_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 6881;
  bool any_port_if_busy = false;  // leech: another port is fine; seed: the given one or nothing
  int hash_threads = 2;
  std::uint64_t max_download_rate_total = 0;  // bytes/s over every torrent, 0 = unlimited
  std::uint64_t max_upload_rate_total = 0;    // the same for uploads
  std::size_t max_peers_total = 0;            // connections over every torrent, 0 = unlimited
};

class session {
 public:
  explicit session(session_options opt);
  ~session();

  // Binds the listening port (before torrents, so they announce the real one).
  status listen();
  std::uint16_t port() const { return port_; }
  // Opens and checks a torrent (blocking, with progress), ready to start with run().
  status add(metainfo m, torrent_options opt);
  std::size_t torrent_count() const { return torrents_.size(); }
  // Runs until every torrent finished (leech) or a signal arrives; returns the exit status: 0, 1 when a torrent
  // failed, 128 + the signal's number when one interrupted a download (130 for SIGINT, 143 for SIGTERM).
  int run();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> handle_incoming(boost::asio::ip::tcp::socket s);
  boost::asio::awaitable<void> main_loop();
  void check_finished();
  void on_signal(int sig);
  boost::asio::awaitable<void> status_loop();
  boost::asio::awaitable<void> resize_loop();
  std::vector<ui::transfer_status> statuses() const;

  session_options opt_;
  swarm::rate_limiter download_total_;  // parent of every torrent's download bucket
  swarm::rate_limiter upload_total_;    // and of every upload bucket
  peer_budget peers_total_;
  boost::asio::io_context io_;
  boost::asio::thread_pool hash_pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set winch_;
  boost::asio::steady_timer done_;
  boost::asio::steady_timer status_timer_;
  std::unique_ptr<ui::status_area> display_;
  std::array<std::uint8_t, 20> peer_id_{};
  std::uint16_t port_ = 0;
  std::map<sha1_digest, std::shared_ptr<torrent>> torrents_;
  int interrupted_by_ = 0;  // the first signal's number
  bool finish_ = false;
};

}  // namespace shoal::session
