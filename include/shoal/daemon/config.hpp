#pragma once
// shoald's settings: the JSON config file (kebab-case keys, as Transmission's settings.json) and the command
// line's flags, merged (a flag overrides the file). Every field is optional here: what neither names takes the
// default of daemon_settings.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/util/result.hpp"

namespace shoal::daemon {

struct daemon_config {
  std::optional<std::string> download_dir;                     // "download-dir"
  std::optional<std::string> rpc_bind;                         // "rpc-bind": an IP address
  std::optional<std::uint16_t> rpc_port;                       // "rpc-port": 1..65535
  std::optional<std::uint16_t> peer_port;                      // "peer-port": 0 (any) ..65535
  std::optional<std::string> watch_dir;                        // "watch-dir"
  std::optional<std::vector<std::string>> allowed_roots;       // "allowed-roots": torrent-create and browse
  std::optional<std::vector<std::string>> rpc_host_whitelist;  // "rpc-host-whitelist": extra Host names
  std::optional<std::uint64_t> speed_limit_down;               // "speed-limit-down": KiB/s, 0 = unlimited
  std::optional<std::uint64_t> speed_limit_up;                 // "speed-limit-up"
  std::optional<std::uint64_t> peer_limit_global;              // "peer-limit-global": 0 = unlimited
  std::optional<std::uint64_t> peer_limit_per_torrent;         // "peer-limit-per-torrent"
  std::optional<std::string> log_level;                        // "log-level": trace debug info warn error critical off
  std::optional<bool> dht_enabled;                             // "dht-enabled"
  std::optional<std::uint16_t> dht_port;                       // "dht-port": 1..65535 (UDP)
  std::optional<std::vector<std::string>> dht_bootstrap;       // "dht-bootstrap": HOST:PORT nodes
  friend bool operator==(const daemon_config&, const daemon_config&) = default;
};

// Every key resolved: the config's value or the default.
struct daemon_settings {
  std::string download_dir;  // empty: none given (the daemon refuses to start without one)
  std::string rpc_bind = "127.0.0.1";
  std::uint16_t rpc_port = 9091;
  std::uint16_t peer_port = 51413;
  std::string watch_dir;  // empty: no watch folder
  std::vector<std::string> allowed_roots;
  std::vector<std::string> rpc_host_whitelist;
  std::uint64_t speed_limit_down = 0;  // KiB/s
  std::uint64_t speed_limit_up = 0;
  std::uint64_t peer_limit_global = 200;
  std::uint64_t peer_limit_per_torrent = 50;
  std::string log_level = "info";
  bool dht_enabled = true;
  std::uint16_t dht_port = 0;               // 0: the peer port
  std::vector<std::string> dht_bootstrap;   // empty: the public routers (dht::default_bootstrap_nodes)
};

// A JSON object of the keys above. An unknown key, a value of the wrong type or out of range, or text that is no
// JSON object: an error (code invalid_data) whose message names the key ("config: \"rpc-port\": ...").
result<daemon_config> parse_config(std::string_view json);
// The keys that are set, as a JSON object parse_config reads back equal (session-set writes the file with it).
std::string encode_config(const daemon_config& c);
// `over`'s set fields replace `base`'s (flags over the file; session-set over the running settings).
daemon_config merge_config(daemon_config base, const daemon_config& over);
daemon_settings resolve_config(const daemon_config& c);
// The log levels log-level accepts.
bool valid_log_level(std::string_view level);

}  // namespace shoal::daemon
