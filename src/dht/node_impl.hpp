#pragma once
// The DHT node's state, shared by the files that implement it: node.cpp (the socket, sending, receiving, timers,
// the public calls), node_queries.cpp (answering other nodes), node_lookups.cpp (iterative lookups: bootstrap,
// refresh, a torrent's peers). Private to src/dht.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "shoal/dht/lookup.hpp"
#include "shoal/dht/node.hpp"
#include "shoal/dht/node_id.hpp"
#include "shoal/dht/peer_store.hpp"
#include "shoal/dht/rate_limiter.hpp"
#include "shoal/dht/routing_table.hpp"
#include "shoal/dht/token_keeper.hpp"

namespace shoal::dht {

namespace asio = boost::asio;
using udp = asio::ip::udp;

inline constexpr std::size_t receive_size = 4096;  // larger datagrams are read in full and then refused
inline constexpr std::size_t max_pending = 2048;    // queries of ours awaiting a reply
inline constexpr std::size_t values_per_reply = 50;  // get_peers values that fit a 1500-byte datagram
inline constexpr std::string_view client_version = "SH01";

inline udp::endpoint to_endpoint(const peer_address& a) {
  asio::ip::address_v4::bytes_type b;
  std::copy_n(a.ip.begin(), 4, b.begin());
  return {asio::ip::address_v4(b), a.port};
}

inline std::optional<peer_address> from_endpoint(const udp::endpoint& e) {
  if (!e.address().is_v4()) return std::nullopt;  // IPv4 only (no BEP 32 socket yet)
  peer_address a;
  const auto b = e.address().to_v4().to_bytes();
  std::copy(b.begin(), b.end(), a.ip.begin());
  a.port = e.port();
  return a;
}

struct node::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor ex, node_options o)
      : executor(ex), options(std::move(o)), rng(std::random_device{}()),
        self(options.restore ? options.restore->id : random_node_id(rng)),
        table(self), tokens(rng), socket(ex), tick_timer(ex) {}

  using reply_handler = std::function<void(const krpc_message*)>;  // nullptr: timed out
  struct pending_query {
    peer_address to;
    dht_clock::time_point deadline;
    reply_handler done;
  };
  // A tracked torrent: 32 bytes, 48 with the hash set's link (a std::map of two std::function took 144, and the
  // session's closure 32 more: docs/performance.md, issue 12). Keyed by the info hash alone; the rest changes in
  // place, hence mutable.
  struct tracked {
    sha1_digest info_hash;
    mutable std::uint16_t peer_port = 0;
    mutable bool running = false;
    mutable std::uint8_t empty_runs = 0;       // lookups in a row that found no peer (saturates at 255)
    mutable dht_clock::time_point next_run{};  // epoch: as soon as the table has nodes
  };
  static_assert(sizeof(tracked) == 32);
  // Find by info hash without building a tracked.
  struct tracked_hash {
    using is_transparent = void;
    std::size_t operator()(const sha1_digest& d) const noexcept { return sha1_digest_hash{}(d); }
    std::size_t operator()(const tracked& t) const noexcept { return (*this)(t.info_hash); }
  };
  struct tracked_equal {
    using is_transparent = void;
    static const sha1_digest& key(const sha1_digest& d) { return d; }
    static const sha1_digest& key(const tracked& t) { return t.info_hash; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept { return key(a) == key(b); }
  };

  asio::any_io_executor executor;
  node_options options;
  std::mt19937_64 rng;
  node_id self;
  routing_table table;
  token_keeper tokens;
  peer_store store;
  rate_limiter limiter;
  udp::socket socket;
  asio::steady_timer tick_timer;
  std::map<std::uint16_t, pending_query> pending;
  std::uint16_t next_transaction = 0;
  std::unordered_set<tracked, tracked_hash, tracked_equal> torrents;
  // Only the torrents tracked with a report handler (bench/dht_lookup's).
  std::unordered_map<sha1_digest, report_handler, sha1_digest_hash> reporters;
  bool stopped = false;
  bool bootstrapping = false;
  dht_clock::time_point last_bootstrap{};
  dht_clock::time_point last_rotation = dht_clock::now();
  node_stats counters;

  // Sending (node.cpp).
  void send(const peer_address& to, const std::string& packet);
  void query(const peer_address& to, krpc_query q, reply_handler done);
  void reply(const peer_address& to, const std::string& transaction, krpc_response r);
  void reply_error(const peer_address& to, const std::string& transaction, std::int64_t code, std::string text);
  // Receiving (node.cpp), and answering queries (node_queries.cpp).
  asio::awaitable<void> receive_loop();
  void on_packet(const peer_address& from, std::string_view packet);
  void on_reply(const peer_address& from, const krpc_message& m, dht_clock::time_point now);
  void on_query(const peer_address& from, const krpc_message& m, dht_clock::time_point now);

  // Lookups (node_lookups.cpp).
  // One iterative lookup: find_node (bootstrap, refresh) or get_peers (then announce_peer).
  struct lookup_run {
    lookup search;
    bool get_peers;
    std::uint16_t announce_port = 0;  // get_peers: announce this port at the end (0: do not)
    std::function<void(const lookup_run&)> finished;
    std::size_t peers_found = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  };

  void start_lookup(std::shared_ptr<lookup_run> run, std::vector<node_info> seeds);
  void pump(const std::shared_ptr<lookup_run>& run);
  void on_lookup_reply(const std::shared_ptr<lookup_run>& run, const peer_address& to, const krpc_message* m);
  void finish(const std::shared_ptr<lookup_run>& run);
  asio::awaitable<void> bootstrap();
  void run_torrent(const tracked& t);

  // Timers (node.cpp): expired queries, token rotation, torrents due, pings, refreshes.
  void expire_pending(dht_clock::time_point now);
  asio::awaitable<void> tick_loop();
};

}  // namespace shoal::dht
