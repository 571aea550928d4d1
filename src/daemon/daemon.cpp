// daemon.hpp's free functions (run_daemon is with the composition, in shoald.cpp).
#include "shoal/daemon/daemon.hpp"

#include <fstream>

#include <boost/asio/ip/address.hpp>

#include "shoal/daemon/user_db.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace shoal::daemon {

bool is_loopback_bind(const std::string& address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  const auto a = asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

status user_add(const fs::path& state_dir, const std::string& name, const std::string& password) {
  return user_db(state_dir).add(name, password);
}

status user_remove(const fs::path& state_dir, const std::string& name) { return user_db(state_dir).remove(name); }

result<std::vector<std::string>> user_list(const fs::path& state_dir) { return user_db(state_dir).list(); }

daemon_options options_from(const daemon_settings& s, daemon_options o) {
  std::error_code ec;
  o.download_dir = s.download_dir.empty() ? fs::path() : fs::absolute(s.download_dir, ec);
  o.rpc_bind = s.rpc_bind;
  o.rpc_port = s.rpc_port;
  o.peer_port = s.peer_port;
  o.watch_dir = s.watch_dir;
  o.allowed_roots = s.allowed_roots;
  o.host_whitelist = s.rpc_host_whitelist;
  o.speed_limit_down = static_cast<std::int64_t>(s.speed_limit_down);
  o.speed_limit_up = static_cast<std::int64_t>(s.speed_limit_up);
  o.peer_limit_global = static_cast<std::int64_t>(s.peer_limit_global);
  o.peer_limit_per_torrent = static_cast<std::int64_t>(s.peer_limit_per_torrent);
  o.dht = s.dht_enabled;
  o.dht_port = s.dht_port;
  o.dht_bootstrap = s.dht_bootstrap;
  return o;
}

result<daemon_config> read_config(const fs::path& file) {
  constexpr std::uintmax_t max_config = 1u << 20;
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return error{error_code::not_found, file.string() + ": " + ec.message()};
  if (size > max_config) return error{error_code::invalid_data, file.string() + ": larger than 1 MiB"};
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) return error{error_code::io, file.string() + ": cannot be read"};
  auto c = parse_config(text);
  if (!c) return error{c.code(), file.string() + ": " + c.message()};
  return c;
}

}  // namespace shoal::daemon
