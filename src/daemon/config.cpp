#include "shoal/daemon/config.hpp"

#include <array>
#include <charconv>
#include <limits>

#include <boost/json.hpp>

namespace json = boost::json;

namespace shoal::daemon {

namespace {

error bad(std::string_view key, std::string_view what) {
  return error{error_code::invalid_data, "config: \"" + std::string(key) + "\": " + std::string(what)};
}

result<std::string> read_string(std::string_view key, const json::value& v) {
  if (!v.is_string()) return bad(key, "must be a string");
  return std::string(v.get_string());
}

result<std::uint64_t> read_count(std::string_view key, const json::value& v, std::uint64_t max) {
  std::uint64_t n = 0;
  if (v.is_uint64()) n = v.get_uint64();
  else if (v.is_int64() && v.get_int64() >= 0) n = static_cast<std::uint64_t>(v.get_int64());
  else return bad(key, "must be a whole number from 0 to " + std::to_string(max));
  if (n > max) return bad(key, "must be a whole number from 0 to " + std::to_string(max));
  return n;
}

result<std::uint16_t> read_port(std::string_view key, const json::value& v, bool zero_allowed) {
  auto n = read_count(key, v, 65535);
  if (!n) return n.err();
  if (*n == 0 && !zero_allowed) return bad(key, "must be a port from 1 to 65535");
  return static_cast<std::uint16_t>(*n);
}

result<std::vector<std::string>> read_strings(std::string_view key, const json::value& v) {
  if (!v.is_array()) return bad(key, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) return bad(key, "must be an array of strings");
    out.emplace_back(item.get_string());
  }
  return out;
}

result<bool> read_bool(std::string_view key, const json::value& v) {
  if (!v.is_bool()) return bad(key, "must be true or false");
  return v.get_bool();
}

// HOST:PORT each, the port 1..65535 (a name is resolved when the node bootstraps).
result<std::vector<std::string>> read_nodes(std::string_view key, const json::value& v) {
  auto nodes = read_strings(key, v);
  if (!nodes) return nodes;
  for (const auto& n : *nodes) {
    const auto colon = n.rfind(':');
    unsigned port = 0;
    const char* end = n.data() + n.size();
    const bool has_port = colon != std::string::npos && colon != 0;
    auto [at, ec] = std::from_chars(has_port ? n.data() + colon + 1 : end, end, port);
    if (!has_port || ec != std::errc{} || at != end || port == 0 || port > 65535)
      return bad(key, "\"" + n + "\" is not HOST:PORT");
  }
  return nodes;
}

template <class T>
status store(std::optional<T>& field, result<T> r) {
  if (!r) return r.err();
  field = std::move(*r);
  return ok();
}

status read_key(daemon_config& c, std::string_view key, const json::value& v) {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max() / 1024;  // KiB/s times 1024 still fits
  if (key == "download-dir") return store(c.download_dir, read_string(key, v));
  if (key == "rpc-bind") return store(c.rpc_bind, read_string(key, v));
  if (key == "rpc-port") return store(c.rpc_port, read_port(key, v, false));
  if (key == "peer-port") return store(c.peer_port, read_port(key, v, true));
  if (key == "watch-dir") return store(c.watch_dir, read_string(key, v));
  if (key == "allowed-roots") return store(c.allowed_roots, read_strings(key, v));
  if (key == "rpc-host-whitelist") return store(c.rpc_host_whitelist, read_strings(key, v));
  if (key == "speed-limit-down") return store(c.speed_limit_down, read_count(key, v, max));
  if (key == "speed-limit-up") return store(c.speed_limit_up, read_count(key, v, max));
  if (key == "peer-limit-global") return store(c.peer_limit_global, read_count(key, v, 1'000'000));
  if (key == "peer-limit-per-torrent") return store(c.peer_limit_per_torrent, read_count(key, v, 1'000'000));
  if (key == "dht-enabled") return store(c.dht_enabled, read_bool(key, v));
  if (key == "dht-port") return store(c.dht_port, read_port(key, v, false));
  if (key == "dht-bootstrap") return store(c.dht_bootstrap, read_nodes(key, v));
  if (key == "log-level") {
    if (auto s = store(c.log_level, read_string(key, v)); !s) return s;
    if (!valid_log_level(*c.log_level))
      return bad(key, "must be one of trace, debug, info, warn, error, critical, off");
    return ok();
  }
  return bad(key, "unknown key");
}

template <class T>
void take(std::optional<T>& base, const std::optional<T>& over) {
  if (over) base = over;
}

template <class T>
void put(json::object& o, std::string_view key, const std::optional<T>& v) {
  if (!v) return;
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    json::array a;
    for (const auto& s : *v) a.emplace_back(s);
    o[key] = std::move(a);
  } else {
    o[key] = *v;
  }
}

}  // namespace

bool valid_log_level(std::string_view level) {
  static constexpr std::array<std::string_view, 7> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
  for (auto l : levels)
    if (l == level) return true;
  return false;
}

result<daemon_config> parse_config(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 8;  // the deepest valid config is an object of arrays
  auto v = json::parse(json::string_view(text.data(), text.size()), ec, {}, po);
  if (ec) return error{error_code::invalid_data, "config: not valid JSON: " + ec.message()};
  if (!v.is_object()) return error{error_code::invalid_data, "config: must be a JSON object of settings"};
  daemon_config c;
  for (const auto& [key, value] : v.get_object())
    if (auto s = read_key(c, std::string_view(key.data(), key.size()), value); !s) return s.err();
  return c;
}

std::string encode_config(const daemon_config& c) {
  json::object o;
  put(o, "download-dir", c.download_dir);
  put(o, "rpc-bind", c.rpc_bind);
  put(o, "rpc-port", c.rpc_port);
  put(o, "peer-port", c.peer_port);
  put(o, "watch-dir", c.watch_dir);
  put(o, "allowed-roots", c.allowed_roots);
  put(o, "rpc-host-whitelist", c.rpc_host_whitelist);
  put(o, "speed-limit-down", c.speed_limit_down);
  put(o, "speed-limit-up", c.speed_limit_up);
  put(o, "peer-limit-global", c.peer_limit_global);
  put(o, "peer-limit-per-torrent", c.peer_limit_per_torrent);
  put(o, "log-level", c.log_level);
  put(o, "dht-enabled", c.dht_enabled);
  put(o, "dht-port", c.dht_port);
  put(o, "dht-bootstrap", c.dht_bootstrap);
  return json::serialize(o);
}

daemon_config merge_config(daemon_config base, const daemon_config& over) {
  take(base.download_dir, over.download_dir);
  take(base.rpc_bind, over.rpc_bind);
  take(base.rpc_port, over.rpc_port);
  take(base.peer_port, over.peer_port);
  take(base.watch_dir, over.watch_dir);
  take(base.allowed_roots, over.allowed_roots);
  take(base.rpc_host_whitelist, over.rpc_host_whitelist);
  take(base.speed_limit_down, over.speed_limit_down);
  take(base.speed_limit_up, over.speed_limit_up);
  take(base.peer_limit_global, over.peer_limit_global);
  take(base.peer_limit_per_torrent, over.peer_limit_per_torrent);
  take(base.log_level, over.log_level);
  take(base.dht_enabled, over.dht_enabled);
  take(base.dht_port, over.dht_port);
  take(base.dht_bootstrap, over.dht_bootstrap);
  return base;
}

daemon_settings resolve_config(const daemon_config& c) {
  daemon_settings s;
  s.download_dir = c.download_dir.value_or(s.download_dir);
  s.rpc_bind = c.rpc_bind.value_or(s.rpc_bind);
  s.rpc_port = c.rpc_port.value_or(s.rpc_port);
  s.peer_port = c.peer_port.value_or(s.peer_port);
  s.watch_dir = c.watch_dir.value_or(s.watch_dir);
  s.allowed_roots = c.allowed_roots.value_or(s.allowed_roots);
  s.rpc_host_whitelist = c.rpc_host_whitelist.value_or(s.rpc_host_whitelist);
  s.speed_limit_down = c.speed_limit_down.value_or(s.speed_limit_down);
  s.speed_limit_up = c.speed_limit_up.value_or(s.speed_limit_up);
  s.peer_limit_global = c.peer_limit_global.value_or(s.peer_limit_global);
  s.peer_limit_per_torrent = c.peer_limit_per_torrent.value_or(s.peer_limit_per_torrent);
  s.log_level = c.log_level.value_or(s.log_level);
  s.dht_enabled = c.dht_enabled.value_or(s.dht_enabled);
  s.dht_port = c.dht_port.value_or(s.dht_port);
  s.dht_bootstrap = c.dht_bootstrap.value_or(s.dht_bootstrap);
  return s;
}

}  // namespace shoal::daemon
