#pragma once
// A BEP 5 DHT node on one UDP socket (IPv4): answers ping, find_node, get_peers and announce_peer,
// bootstraps from the nodes it is given, keeps its routing table fresh, and for each torrent it tracks
// looks up peers and announces itself to the closest nodes (at start and every announce interval).
// One node serves every torrent of a process. Asio stays in node.cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "shoal/addr/peer_address.hpp"
#include "shoal/dht/node_state.hpp"
#include "shoal/dht/protocol/krpc.hpp"
#include "shoal/util/result.hpp"

namespace shoal::dht {

// The routers clients bootstrap from when told nothing else.
inline const std::vector<std::string> default_bootstrap_nodes{
    "router.bittorrent.com:6881", "dht.transmissionbt.com:6881", "router.utorrent.com:6881"};

// A batch of peers a lookup of a tracked torrent returned (values, duplicates possible).
using peers_handler = std::function<void(const sha1_digest& info_hash, const std::vector<peer_address>& peers)>;

struct node_options {
  std::string bind_host = "0.0.0.0";
  std::uint16_t port = 0;                 // 0: any free port
  std::vector<std::string> bootstrap;      // HOST:PORT, any node (router or ordinary), resolved lazily
  std::chrono::seconds announce_interval{15 * 60};
  std::chrono::milliseconds query_timeout{3000};
  // A node saved by an earlier run (state()): it starts with that id, its nodes in the table (questionable until
  // they answer) and asked first when bootstrapping. None: a random id and an empty table.
  std::optional<node_state> restore;
  // One handler for every tracked torrent (a process tracks thousands: none keeps a closure of its own).
  peers_handler found;
};

struct node_stats {
  std::size_t table_size = 0;
  std::size_t queries_received = 0;
  std::size_t queries_sent = 0;
  std::size_t packets_dropped = 0;   // garbage, oversized, over the rate limit
  std::size_t peers_stored = 0;      // announce_peer entries we hold
};

// What one get_peers lookup of a tracked torrent took (for logs and bench/dht_lookup).
struct lookup_report {
  sha1_digest info_hash;
  std::size_t queries = 0;
  std::size_t replies = 0;
  std::size_t round_trips = 0;  // the longest chain of dependent queries (see lookup.hpp)
  std::size_t peers = 0;        // values received, duplicates included
  std::chrono::microseconds elapsed{0};
};

class node {
 public:
  using report_handler = std::function<void(const lookup_report&)>;

  node(boost::asio::any_io_executor executor, node_options options);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  // Binds the socket and starts bootstrapping; an error names the address that could not be bound.
  status start();
  // Closes the socket and ends every coroutine; handlers are not called after it.
  void stop();
  std::uint16_t port() const;
  const node_id& id() const;

  // Look up peers for the torrent and announce `peer_port` (our BitTorrent port) for it, now and every
  // announce interval; node_options::found gets each batch of peers a lookup returns, `reported` (when given)
  // each lookup's figures once it ended (and its announce_peer queries went out). Re-tracking replaces the port
  // and the report handler, and looks up again at the next tick.
  void track(const sha1_digest& info_hash, std::uint16_t peer_port, report_handler reported = {});
  void untrack(const sha1_digest& info_hash);

  // A node we were told of (a peer's BEP 5 port message): pinged, and added when it answers.
  void add_node(const peer_address& address);

  node_stats stats() const;
  // Its id and the nodes of its routing table that are not bad (what a restart should begin with).
  node_state state() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace shoal::dht
