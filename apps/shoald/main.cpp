// shoald --state-dir DIR --download-dir DIR [--rpc-bind ADDR] [--rpc-port PORT] [--peer-port PORT] ...:
// the peer daemon, driven over Transmission's RPC (transmission-remote, its web client) and our web UI.
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

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

// shoald user add NAME --state-dir DIR (password: the first line of stdin) | remove NAME | list.
int user_command(int argc, char** argv) {
  CLI::App app{"shoald's users (users.json in the state folder): add reads the password from stdin's first line"};
  std::filesystem::path state_dir;
  std::string name;
  app.require_subcommand(1);
  auto* add = app.add_subcommand("add", "add a user: printf 'PASSWORD\\n' | shoald user add NAME --state-dir DIR");
  auto* remove = app.add_subcommand("remove", "remove a user");
  auto* list = app.add_subcommand("list", "the users' names, one a line");
  for (auto* sub : {add, remove, list}) sub->add_option("--state-dir", state_dir, "the daemon's state folder")->required();
  for (auto* sub : {add, remove}) sub->add_option("name", name, "user name")->required();
  if (auto status = shoal::ui::parse_command_line(app, "shoald user", argc, argv)) return *status;
  if (add->parsed()) {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      std::fprintf(stderr, "shoald user add: no password on stdin's first line\n");
      return 2;
    }
    auto st = shoal::daemon::user_add(state_dir, name, password);
    if (!st) return (std::fprintf(stderr, "shoald user add: %s\n", st.message().c_str()), 1);
    std::printf("user %s added\n", name.c_str());
    return 0;
  }
  if (remove->parsed()) {
    auto st = shoal::daemon::user_remove(state_dir, name);
    if (!st) return (std::fprintf(stderr, "shoald user remove: %s\n", st.message().c_str()), 1);
    std::printf("user %s removed\n", name.c_str());
    return 0;
  }
  auto names = shoal::daemon::user_list(state_dir);
  if (!names) return (std::fprintf(stderr, "shoald user list: %s\n", names.message().c_str()), 1);
  for (const auto& n : *names) std::printf("%s\n", n.c_str());
  return 0;
}

// Each torrent holds its download folder open (its files are opened beneath it, never through a symlink), so
// thousands of torrents need thousands of descriptors: the soft limit (1024 under systemd) goes up to the hard
// one, as transmission-daemon does.
void raise_open_file_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  lim.rlim_cur = lim.rlim_max;
  (void)::setrlimit(RLIMIT_NOFILE, &lim);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "user") return user_command(argc - 1, argv + 1);
  // A fixed mmap threshold: glibc raises it after each large free (up to 32 MiB), so a torrent-get of 10,000
  // torrents (a few MiB of JSON and views) was then served from the heap and stayed in the RSS once freed (+10
  // MiB at 10,000 torrents, docs/performance.md). Blocks and pieces up to 1 MiB stay on the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  raise_open_file_limit();
  CLI::App app{"The Shoal peer daemon: many torrents in one process, driven over Transmission's RPC and a web UI"};
  shoal::daemon::daemon_options o;
  shoal::daemon::daemon_settings d;  // the flags' values (defaults shown in --help)
  std::string level = "info";
  std::string web_root, config_file;
  shoal::ui::prepare_command_line(
      app, "shoald",
      "Runs in the foreground until SIGTERM or SIGINT, then stops every torrent and exits 0; SIGHUP reloads\n"
      "--config. Flags override the config file's keys (download-dir, rpc-bind, ... as in docs/daemon.md).\n"
      "RPC: POST http://BIND:PORT/transmission/rpc (see docs/daemon.md); web UI: http://BIND:PORT/\n"
      "Users: shoald user add|remove|list ... --state-dir DIR (see shoald user --help).");
  app.add_option("--state-dir", o.state_dir, "folder of the daemon's state: its torrents and their progress, users")
      ->required();
  app.add_option("--config", config_file, "a JSON file of settings (Transmission's settings.json key names)")
      ->check(CLI::ExistingFile);
  app.add_option("--download-dir", d.download_dir,
                 "where torrents are downloaded unless a request names a folder (here or in --config)");
  app.add_option("--rpc-bind", d.rpc_bind, "address of the RPC and web UI")->capture_default_str();
  shoal::ui::check_port(app.add_option("--rpc-port", d.rpc_port, "port of the RPC and web UI"), "any free port")
      ->capture_default_str();
  shoal::ui::check_port(app.add_option("--peer-port", d.peer_port, "the one peer port of every torrent"),
                        "any free port")->capture_default_str();
  app.add_option("--peer-host", o.peer_host, "address the peer port listens on")->capture_default_str();
  app.add_option("--web-root", web_root, "folder of the web UI's files (default: the installed one, else the "
                                         "source tree's web/)");
  app.add_option("--watch-dir", d.watch_dir, "a .torrent dropped here is added (renamed .added, or .invalid)");
  app.add_option("--allowed-root", d.allowed_roots,
                 "a folder torrent-create and shoal-browse may read (repeat for several); none: both are off");
  app.add_option("--rpc-host-whitelist", d.rpc_host_whitelist,
                 "another name the Host header may carry (besides the bind address and localhost); repeatable");
  shoal::ui::check_integer(app.add_option("--speed-limit-down", d.speed_limit_down, "KiB/s over every torrent"),
                           {0, 1000000000, "unlimited"})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--speed-limit-up", d.speed_limit_up, "KiB/s over every torrent"),
                           {0, 1000000000, "unlimited"})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--peer-limit-global", d.peer_limit_global, "connections in all"),
                           {0, 1000000, "unlimited"})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--peer-limit-per-torrent", d.peer_limit_per_torrent,
                                          "connections per torrent"), {1, 10000})->capture_default_str();
  bool no_dht = false;
  shoal::ui::add_dht_options(app, d.dht_port, d.dht_bootstrap, no_dht);
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "shoald", argc, argv)) return *status;

  // The flags given, laid over the file's keys (now and at each SIGHUP).
  shoal::daemon::daemon_config flags;
  auto given = [&](const char* name) { return app.count(name) > 0; };
  if (given("--download-dir")) flags.download_dir = d.download_dir;
  if (given("--rpc-bind")) flags.rpc_bind = d.rpc_bind;
  if (given("--rpc-port")) flags.rpc_port = d.rpc_port;
  if (given("--peer-port")) flags.peer_port = d.peer_port;
  if (given("--watch-dir")) flags.watch_dir = d.watch_dir;
  if (given("--allowed-root")) flags.allowed_roots = d.allowed_roots;
  if (given("--rpc-host-whitelist")) flags.rpc_host_whitelist = d.rpc_host_whitelist;
  if (given("--speed-limit-down")) flags.speed_limit_down = d.speed_limit_down;
  if (given("--speed-limit-up")) flags.speed_limit_up = d.speed_limit_up;
  if (given("--peer-limit-global")) flags.peer_limit_global = d.peer_limit_global;
  if (given("--peer-limit-per-torrent")) flags.peer_limit_per_torrent = d.peer_limit_per_torrent;
  if (given("--log-level")) flags.log_level = level;
  if (given("--dht-port") && d.dht_port != 0) flags.dht_port = d.dht_port;
  if (given("--dht-bootstrap")) flags.dht_bootstrap = d.dht_bootstrap;
  if (no_dht) flags.dht_enabled = false;
  shoal::daemon::daemon_config file;
  if (!config_file.empty()) {
    auto c = shoal::daemon::read_config(config_file);
    if (!c) return (std::fprintf(stderr, "shoald: --config %s\n", c.message().c_str()), 2);
    file = *c;
  }
  const auto settings = shoal::daemon::resolve_config(shoal::daemon::merge_config(file, flags));
  if (!shoal::ui::setup_logging(settings.log_level)) return 2;
  if (settings.download_dir.empty())
    return (std::fprintf(stderr, "shoald: no download folder: give --download-dir or download-dir in --config\n"), 2);
  o = shoal::daemon::options_from(settings, o);
  o.config_file = config_file;
  o.flags = flags;
  o.web_root = web_root.empty() ? default_web_root() : std::filesystem::path(web_root);
  return shoal::daemon::run_daemon(o);
}
