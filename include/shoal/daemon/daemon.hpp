#pragma once
// shoald: one session holding many torrents, driven over the Transmission RPC (rpc/), until SIGTERM or SIGINT.
// The composition: it owns the io_context, the session, the HTTP server and the signals, and implements the
// RPC's backend (the download folder, dates and totals the session does not keep, torrent-create, browsing).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "shoal/daemon/config.hpp"
#include "shoal/util/result.hpp"

namespace shoal::daemon {

struct daemon_options {
  std::filesystem::path state_dir;
  std::filesystem::path download_dir;
  std::string rpc_bind = "127.0.0.1";
  std::uint16_t rpc_port = 9091;
  std::string peer_host = "0.0.0.0";
  std::uint16_t peer_port = 51413;
  std::filesystem::path web_root;  // empty: no web UI
  std::filesystem::path watch_dir;  // empty: none
  std::vector<std::string> allowed_roots;   // torrent-create and shoal-browse stay inside these
  std::vector<std::string> host_whitelist;  // extra names the Host header may carry
  std::int64_t speed_limit_down = 0;        // KiB/s over every torrent, 0 = unlimited
  std::int64_t speed_limit_up = 0;
  std::int64_t peer_limit_global = 200;
  std::int64_t peer_limit_per_torrent = 50;
  // The DHT (BEP 5): one node for every torrent that is not private; its id and contacts kept in
  // <state_dir>/dht.state.
  bool dht = true;
  std::uint16_t dht_port = 0;  // UDP; 0: the peer port
  std::vector<std::string> dht_bootstrap;  // HOST:PORT; empty: the public routers
  // SIGHUP reads this file again (empty: nothing to reload) and lays `flags` over it, as at start.
  std::filesystem::path config_file;
  daemon_config flags;
};

// The options from the settings a config file and the flags resolved to (state_dir, peer_host and web_root are
// flags only and stay as `base` has them).
daemon_options options_from(const daemon_settings& s, daemon_options base);
// The config file (at most 1 MiB) parsed; errors name the file and the key.
result<daemon_config> read_config(const std::filesystem::path& file);

// True for 127.0.0.0/8, ::1 and "localhost": binds where the RPC may answer without users.
bool is_loopback_bind(const std::string& address);

// `shoald user add|remove|list` over the users file in `state_dir` (main.cpp reads the password from stdin).
status user_add(const std::filesystem::path& state_dir, const std::string& name, const std::string& password);
status user_remove(const std::filesystem::path& state_dir, const std::string& name);
result<std::vector<std::string>> user_list(const std::filesystem::path& state_dir);

// Runs until SIGTERM or SIGINT (exit status 0 after a clean stop), or fails to start (1, said in one line).
int run_daemon(const daemon_options& opt);

}  // namespace shoal::daemon
