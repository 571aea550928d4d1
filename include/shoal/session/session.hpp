#pragma once
// The engine as a service: torrents added, controlled and observed at runtime by whoever drives it (the seed and
// leech commands, the daemon's RPC, tests). It runs on an executor it is given (it owns no io_context and no
// signals), listens on one port for every torrent (routed by the handshake's info-hash), checks data through a
// verify queue (a few torrents at a time, the rest wait in "queued for check"), and reports through status
// snapshots and an event stream.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "shoal/dht/node.hpp"
#include "shoal/metainfo/magnet.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/session/torrent.hpp"
#include "shoal/session/torrent_details.hpp"
#include "shoal/session/torrent_status.hpp"
#include "shoal/util/flat_map.hpp"
#include "shoal/util/path_pool.hpp"
#include "shoal/util/result.hpp"

namespace shoal::session {

struct session_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 6881;
  bool any_port_if_busy = false;  // leech: another port is fine; seed: the given one or nothing
  int hash_threads = 2;
  std::size_t max_concurrent_checks = 1;      // the verify queue: torrents checked at once (Transmission: 1)
  std::uint64_t max_download_rate_total = 0;  // bytes/s over every torrent, 0 = unlimited
  std::uint64_t max_upload_rate_total = 0;    // the same for uploads
  std::size_t max_peers_total = 0;            // connections over every torrent, 0 = unlimited
  std::chrono::milliseconds stats_interval{2000};  // stats events of active torrents
  // The DHT (BEP 5): one node for every torrent, running while some torrent is not private (BEP 27: a process
  // whose torrents are all private runs none).
  bool dht = true;
  std::optional<std::uint16_t> dht_port;       // UDP; default: the listening (peer) port
  std::vector<std::string> dht_bootstrap;      // HOST:PORT; empty: dht::default_bootstrap_nodes
  std::optional<dht::node_state> dht_state;    // saved by an earlier run: the node's id and contacts
};

class session {
 public:
  using event_handler = std::function<void(const session_event&)>;

  session(boost::asio::any_io_executor executor, session_options opt);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Binds the listening port and starts accepting (before torrents, so they announce the real one).
  status listen();
  std::uint16_t port() const { return port_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

  // Returns at once: the torrent waits for the verify queue (or stays paused). Refused: the same torrent twice.
  // With opt.resume whose file stamps match the files: no check, straight to downloading or seeding (paused when
  // `paused` or the resume says so).
  result<torrent_id> add(metainfo m, torrent_options opt, bool paused = false);
  // A magnet link: the torrent starts in fetching_metadata (see torrent::create_magnet). Refused like add.
  result<torrent_id> add_magnet(const magnet_link& link, torrent_options opt, bool paused = false);
  // Every command names a torrent by id; an unknown id is an error saying so.
  status remove(torrent_id id, bool delete_data);
  status pause(torrent_id id);
  status resume(torrent_id id);
  status verify(torrent_id id);
  status reannounce(torrent_id id);
  status set_limits(torrent_id id, const torrent_limits& limits);
  // The limits over every torrent, changed at runtime (the daemon's session-set): bytes/s, 0 = unlimited; and
  // connections, 0 = unlimited (connections over a lowered limit stay; no new one until fewer are open).
  void set_total_limits(std::uint64_t download_rate, std::uint64_t upload_rate, std::size_t max_peers);

  std::optional<torrent_id> find(const sha1_digest& info_hash) const;
  std::optional<torrent_status> status_of(torrent_id id) const;
  // Files, pieces, peers and trackers of one torrent, those `parts` name (torrent_inspect.cpp); none for an
  // unknown id.
  std::optional<torrent_details> details(torrent_id id, detail_parts parts = {}) const;
  const metainfo* info_of(torrent_id id) const;  // null for an unknown id; valid until it is removed
  // What the daemon saves (torrent::resume_now: the stamps are read from the files now) and the dates and
  // counters over every run.
  std::optional<resume_data> resume_of(torrent_id id) const;
  std::optional<torrent_history> history_of(torrent_id id) const;
  // Every torrent's snapshot, in id order, appended to `out` (reuse it: cheap for thousands of torrents).
  void statuses(std::vector<torrent_status>& out) const;
  // Every torrent's id, in id order (a caller that reads them one at a time holds no snapshot of them all).
  std::vector<torrent_id> ids() const;
  session_status totals() const;
  std::size_t torrent_count() const { return torrents_.size(); }
  // The DHT node (session_dht.cpp): whether one runs now, and what a restart should begin with (the running
  // node's id and contacts, else the last node's, else session_options::dht_state; none when there was none).
  bool dht_running() const { return dht_ != nullptr; }
  std::optional<dht::node_state> dht_state() const;

  // Events reach the handler on the executor, in order, never from inside a torrent's own call (a handler may
  // call any command). Returns a key for unsubscribe().
  std::size_t subscribe(event_handler handler);
  void unsubscribe(std::size_t key);

  // Stops accepting, shuts every torrent down (stopped announces) within `bound`; `hurry`: announces in flight
  // are abandoned (the user is waiting). After this only the destructor is left.
  boost::asio::awaitable<void> stop(std::chrono::milliseconds bound, bool hurry);

 private:
  // Each takes `alive`: false once the session is destroyed, checked after every wait before touching it (a
  // wait cancelled by the destructor still resumes the coroutine later on the executor).
  boost::asio::awaitable<void> accept_loop(std::shared_ptr<bool> alive);
  boost::asio::awaitable<void> handle_incoming(boost::asio::ip::tcp::socket s, std::shared_ptr<bool> alive);
  boost::asio::awaitable<void> events_loop(std::shared_ptr<bool> alive);
  template <class F>
  void each_torrent(F&& f);  // f(torrent&) for each; f may add or remove torrents
  void tick_torrents(std::chrono::steady_clock::time_point now);  // torrent::on_session_tick for each
  void emit(session_event e);
  std::shared_ptr<const session_link> torrent_link();  // what a new torrent gets from the session (shared)
  void added_event(torrent_id id, const sha1_digest& hash, const std::string& name, torrent_state state);
  void deliver();
  void request_check(torrent_id id);
  // The DHT side (session_dht.cpp): a torrent that is not private looks up and announces through the node.
  void dht_track(const std::shared_ptr<torrent>& t, bool is_private);
  void dht_untrack(const sha1_digest& info_hash);
  // A torrent left or turned private: the node stops when no torrent needs it any more (its state is kept).
  void dht_release();
  void dht_stop();
  void dht_became_private(torrent_id id);
  void start_checks();
  std::shared_ptr<torrent> get(torrent_id id) const;
  static error unknown(torrent_id id);

  boost::asio::any_io_executor executor_;
  session_options opt_;
  swarm::rate_limiter download_total_;  // parent of every torrent's download bucket
  swarm::rate_limiter upload_total_;    // and of every upload bucket
  peer_budget peers_total_;
  path_pool roots_;  // the torrents' folders, one copy each
  settings_pool settings_;  // the torrents' settings, one copy of equal ones
  boost::asio::thread_pool hash_pool_;   // SHA-1 of downloaded pieces
  boost::asio::thread_pool check_pool_;  // the verify queue's checks (each hashes with its own threads)
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer events_timer_;
  std::array<std::uint8_t, 20> peer_id_{};
  std::uint16_t port_ = 0;
  torrent_id next_id_ = 1;
  // By id and by info hash, as sorted vectors (flat_map): 10,000 torrents in a daemon.
  flat_map<torrent_id, std::shared_ptr<torrent>> torrents_;
  std::vector<torrent_id> ticking_;  // tick_torrents' list, reused
  flat_map<sha1_digest, torrent_id> by_hash_;
  std::deque<torrent_id> check_queue_;
  std::size_t checks_running_ = 0;
  std::vector<std::pair<std::size_t, event_handler>> handlers_;
  std::size_t next_handler_ = 1;
  std::vector<session_event> pending_events_;
  bool delivering_ = false;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::shared_ptr<const session_link> link_;  // torrent_link()'s, built at the first torrent
  std::unique_ptr<dht::node> dht_;  // null while no torrent that is not private needs it
  std::optional<dht::node_state> dht_saved_;  // the last node's state (a new node starts from it)
};

}  // namespace shoal::session
