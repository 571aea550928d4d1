// shoald --state-dir DIR --download-dir DIR [--rpc-bind ADDR] [--rpc-port PORT] [--peer-port PORT] ...:
// the peer daemon, driven over Transmission's RPC (transmission-remote, its web client) and our web UI.
#include <unistd.h>

#include <filesystem>

#include <CLI/CLI.hpp>

#include "shoal/daemon/daemon.hpp"
#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"

namespace {

// The installed UI beside the binary (cmake --install), else the source tree's web/ (a build tree).
std::filesystem::path default_web_root() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "shoal" / "web";
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
#ifdef SHOAL_WEB_DIR
  return SHOAL_WEB_DIR;
#else
  return {};
#endif
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The Shoal peer daemon: many torrents in one process, driven over Transmission's RPC and a web UI"};
  shoal::daemon::daemon_options o;
  std::string level = "info";
  std::string web_root;
  shoal::ui::prepare_command_line(
      app, "shoald",
      "Runs in the foreground until SIGTERM or SIGINT, then stops every torrent and exits 0.\n"
      "RPC: POST http://BIND:PORT/transmission/rpc (see docs/daemon.md); web UI: http://BIND:PORT/");
  app.add_option("--state-dir", o.state_dir, "folder of the daemon's state (users)")->required();
  app.add_option("--download-dir", o.download_dir, "where torrents are downloaded unless a request names a folder")
      ->required();
  app.add_option("--rpc-bind", o.rpc_bind, "address of the RPC and web UI")->capture_default_str();
  shoal::ui::check_port(app.add_option("--rpc-port", o.rpc_port, "port of the RPC and web UI"), "any free port")
      ->capture_default_str();
  shoal::ui::check_port(app.add_option("--peer-port", o.peer_port, "the one peer port of every torrent"),
                        "any free port")->capture_default_str();
  app.add_option("--peer-host", o.peer_host, "address the peer port listens on")->capture_default_str();
  app.add_option("--web-root", web_root, "folder of the web UI's files (default: the installed one, else the "
                                         "source tree's web/)");
  app.add_option("--allowed-root", o.allowed_roots,
                 "a folder torrent-create and shoal-browse may read (repeat for several); none: both are off");
  app.add_option("--rpc-host-whitelist", o.host_whitelist,
                 "another name the Host header may carry (besides the bind address and localhost); repeatable");
  shoal::ui::check_integer(app.add_option("--speed-limit-down", o.speed_limit_down, "KiB/s over every torrent"),
                           {0, 1000000000, "unlimited"})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--speed-limit-up", o.speed_limit_up, "KiB/s over every torrent"),
                           {0, 1000000000, "unlimited"})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--peer-limit-global", o.peer_limit_global, "connections in all"),
                           {0, 1000000, "unlimited"})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--peer-limit-per-torrent", o.peer_limit_per_torrent,
                                          "connections per torrent"), {1, 10000})->capture_default_str();
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "shoald", argc, argv)) return *status;
  if (!shoal::ui::setup_logging(level)) return 2;
  o.web_root = web_root.empty() ? default_web_root() : std::filesystem::path(web_root);
  std::error_code ec;
  o.download_dir = std::filesystem::absolute(o.download_dir, ec);
  return shoal::daemon::run_daemon(o);
}
