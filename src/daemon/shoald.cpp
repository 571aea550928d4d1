#include "shoald.hpp"

#include <csignal>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/daemon/service_notify.hpp"
#include "shoal/net/spawn.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace shoal::daemon {

namespace {
constexpr auto never = std::chrono::seconds(std::int64_t{10} * 365 * 24 * 3600);  // a daemon's download waits
}  // namespace

shoald::shoald(const daemon_options& opt)
    : opt_(opt), session_(io_.get_executor(), session_options_of(opt)), signals_(io_), hangup_(io_, SIGHUP),
      users_(opt.state_dir), store_(opt.state_dir), watch_timer_(io_), dht_timer_(io_) {
  settings_.download_dir = opt.download_dir.string();
  settings_.peer_port = opt.peer_port;
  take_global_limits(opt);
  settings_.peer_limit_per_torrent = opt.peer_limit_per_torrent;
  settings_.allowed_roots = opt.allowed_roots;
  settings_.dht_enabled = opt.dht;
}

session::session_options shoald::session_options_of(const daemon_options& opt) {
  session::session_options s;
  s.host = opt.peer_host;
  s.port = opt.peer_port;
  s.max_download_rate_total = rate_of(true, opt.speed_limit_down);
  s.max_upload_rate_total = rate_of(true, opt.speed_limit_up);
  s.max_peers_total = static_cast<std::size_t>(std::max<std::int64_t>(0, opt.peer_limit_global));
  s.dht = opt.dht;
  if (opt.dht_port != 0) s.dht_port = opt.dht_port;
  s.dht_bootstrap = opt.dht_bootstrap;
  if (opt.dht) s.dht_state = saved_dht_state(opt.state_dir);
  return s;
}

session::torrent_options shoald::options_for(const fs::path& dir, bool seed) const {
  session::torrent_options o;
  o.root = dir;
  o.seed_only = seed;
  o.keep_seeding = true;
  o.timeout = never;
  o.max_peers = static_cast<std::size_t>(std::max<std::int64_t>(1, settings_.peer_limit_per_torrent));
  return o;
}

void shoald::on_event(const session::session_event& e) {
  using kind = session::session_event::kind;
  using session::torrent_state;
  auto it = extras_.find(e.id);
  if (it == extras_.end()) return;
  if (e.type == kind::completed && it->second.done_date == 0) it->second.done_date = unix_now();
  if (e.type == kind::state_changed) {
    if (e.from == torrent_state::fetching_metadata) on_metadata(e.id, e.status.info_hash);
    const bool was_active = e.from == torrent_state::downloading || e.from == torrent_state::seeding;
    const bool active = e.to == torrent_state::downloading || e.to == torrent_state::seeding;
    if (active && !was_active) it->second.start_date = unix_now();
    if (e.to == torrent_state::seeding && it->second.done_date == 0) it->second.done_date = unix_now();
    if (e.to == torrent_state::error) spdlog::warn("{}: {}", e.name, e.message);
  }
}

// --watch-dir: a .torrent dropped there is added (renamed .added), or reported (renamed .invalid).
asio::awaitable<void> shoald::watch_loop() {
  while (!stopping_) {
    watch_->scan([this](const fs::path& file, std::string_view bytes) -> status {
      auto added = add(bytes, "", false);
      if (!added) return added.err();
      if (added->duplicate) spdlog::info("{}: already there as torrent {}", file.string(), added->id);
      return ok();
    });
    watch_timer_.expires_after(2s);
    auto [ec] = co_await watch_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

int shoald::run() {
  // First: a TERM that comes while we start (after the RPC listens, say) is held until io_.run() and then stops
  // us cleanly; without the set it would kill the process with nothing saved.
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& e, int sig) {
    if (!e) on_signal(sig);
  });
  std::error_code ec;
  fs::create_directories(opt_.state_dir, ec);
  if (ec) return (spdlog::error("--state-dir {}: {}", opt_.state_dir.string(), ec.message()), 1);
  fs::create_directories(opt_.download_dir, ec);
  if (ec) return (spdlog::error("--download-dir {}: {}", opt_.download_dir.string(), ec.message()), 1);
  if (auto st = store_.open(); !st) return (spdlog::error("{}", st.message()), 1);
  if (auto st = users_.refresh(); !st) return (spdlog::error("{}", st.message()), 1);
  if (users_.empty() && !is_loopback_bind(opt_.rpc_bind))
    return (spdlog::error("--rpc-bind {} is not a loopback address and no user exists: add one first "
                          "(printf 'PASSWORD\\n' | shoald user add NAME --state-dir DIR)", opt_.rpc_bind), 1);
  if (auto st = session_.listen(); !st) return (spdlog::error("peer port: {}", st.message()), 1);
  settings_.peer_port = session_.port();
  rpc::server_options so;
  so.bind = opt_.rpc_bind;
  so.port = opt_.rpc_port;
  so.host_whitelist = opt_.host_whitelist;
  so.web_root = opt_.web_root;
  server_ = std::make_unique<rpc::http_server>(io_, so, *this);
  if (auto st = server_->listen(); !st) return (spdlog::error("{}", st.message()), 1);
  session_.subscribe([this](const session::session_event& e) { on_event(e); });
  restore();
  saver_ = std::make_unique<resume_saver>(session_, store_);
  if (opt_.dht) asio::co_spawn(io_, dht_save_loop(), net::report_exception("dht.state"));
  if (!opt_.watch_dir.empty()) {
    watch_ = std::make_unique<watch_dir>(opt_.watch_dir);
    asio::co_spawn(io_, watch_loop(), net::report_exception("watch-dir"));
  }
  on_hangup();
  spdlog::info("shoald: RPC on http://{}:{}/transmission/rpc, peers on port {}, downloads into {}", opt_.rpc_bind,
               server_->port(), session_.port(), opt_.download_dir.string());
  notify_ready(fmt::format("RPC on port {}, peers on port {}", server_->port(), session_.port()));
  io_.run();
  spdlog::info("shoald: stopped");
  return 0;
}

int run_daemon(const daemon_options& opt) {
  shoald d(opt);
  return d.run();
}

}  // namespace shoal::daemon
