// Signals: TERM/INT stop cleanly (a second one exits at once), HUP reloads the config file.
#include "shoald.hpp"

#include <csignal>
#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

#include "shoal/daemon/service_notify.hpp"
#include "shoal/net/spawn.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::daemon {

void shoald::on_signal(int sig) {
  if (stopping_) {
    spdlog::warn("signal {} again: exiting now", sig);
    std::_Exit(1);
  }
  stopping_ = true;
  spdlog::info("{}: stopping", sig == SIGINT ? "interrupted" : "terminated");
  notify_stopping();
  server_->stop();
  watch_timer_.cancel();
  dht_timer_.cancel();
  create_control_.cancelled = true;  // a torrent-create hashing now stops soon
  if (saver_) saver_->save_all();
  asio::co_spawn(io_, [this]() -> asio::awaitable<void> {
    co_await session_.stop(5s, false);
    save_dht(true);
    boost::system::error_code ec;
    signals_.cancel(ec);
    hangup_.cancel(ec);
    io_.stop();
  }, net::report_exception("stop"));
  signals_.async_wait([this](const boost::system::error_code& ec, int again) {
    if (!ec) on_signal(again);
  });
}

// What may change while running changes now; the rest is said to wait for the next start.
void shoald::reload() {
  if (opt_.config_file.empty()) {
    spdlog::info("SIGHUP: no --config file: nothing to reload");
    return;
  }
  auto file = read_config(opt_.config_file);
  if (!file) {
    spdlog::error("SIGHUP: {}: keeping the running settings", file.message());
    return;
  }
  const auto s = resolve_config(merge_config(*file, opt_.flags));
  const auto next = options_from(s, opt_);
  if (!next.download_dir.is_absolute()) {
    spdlog::error("SIGHUP: download-dir '{}' is not an absolute path: keeping the running settings", s.download_dir);
    return;
  }
  settings_.download_dir = next.download_dir.string();
  settings_.allowed_roots = next.allowed_roots;
  settings_.peer_limit_per_torrent = next.peer_limit_per_torrent;
  server_->set_host_whitelist(next.host_whitelist);
  // The global limits the file changed apply now (as a session-set would); a limit set over the RPC since the start
  // stays when the file did not change it.
  if (next.speed_limit_down != opt_.speed_limit_down || next.speed_limit_up != opt_.speed_limit_up ||
      next.peer_limit_global != opt_.peer_limit_global) {
    take_global_limits(next);
    opt_.speed_limit_down = next.speed_limit_down;
    opt_.speed_limit_up = next.speed_limit_up;
    opt_.peer_limit_global = next.peer_limit_global;
    apply_totals();
  }
  if (auto level = spdlog::level::from_str(s.log_level); s.log_level == "off" || level != spdlog::level::off)
    spdlog::set_level(level);
  if (next.rpc_bind != opt_.rpc_bind || next.rpc_port != opt_.rpc_port || next.peer_port != opt_.peer_port ||
      next.watch_dir != opt_.watch_dir || next.dht != opt_.dht || next.dht_port != opt_.dht_port ||
      next.dht_bootstrap != opt_.dht_bootstrap)
    spdlog::warn("SIGHUP: rpc-bind, rpc-port, peer-port, watch-dir and dht-* take effect at the next start");
  spdlog::info("SIGHUP: {} reloaded (download-dir {}, {} allowed roots, {} extra host names)",
               opt_.config_file.string(), settings_.download_dir, settings_.allowed_roots.size(),
               next.host_whitelist.size());
}

// SIGHUP would end the process by default: it is taken over (ExecReload sends it).
void shoald::on_hangup() {
  hangup_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || stopping_) return;
    notify_reloading();
    reload();
    notify_ready("reloaded");
    on_hangup();
  });
}

}  // namespace shoal::daemon
