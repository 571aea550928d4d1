#pragma once
// The tracker process: HTTP (Beast over Asio coroutines) and UDP in front of one
// tracker_logic, over the in-memory store or a Redis store shared with other processes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "shoal/tracker/server/tracker_logic.hpp"

namespace shoal::tracker {

struct server_options {
  std::string host = "0.0.0.0";  // "::" serves IPv6 and IPv4
  std::uint16_t port = 8080;
  int udp_port = -1;                // BEP 15 UDP port: -1 the HTTP port's number, 0 off
  std::string udp_secret;           // connection-id key; empty: shared through the store, else random
  std::string store = "memory";     // "memory" or "redis://HOST:PORT[/DB]" (store_location)
  int threads = 1;                  // threads, and UDP sockets sharing the port
  tracker_config tracker;
  double expiry_factor = 1.5;       // peers silent for this many intervals expire
  std::string whitelist_path;       // at most one of whitelist/blacklist
  std::string blacklist_path;
  std::size_t max_connections = 10000;
  unsigned request_timeout = 10;    // seconds to send a request head or take a reply
  std::size_t shards = 64;
};

// Serves HTTP and UDP until SIGINT or SIGTERM (SIGHUP reloads the info-hash list). Returns the
// process exit code; errors (cannot bind, bad list file) are logged.
int run_tracker(const server_options& options);

}  // namespace shoal::tracker
