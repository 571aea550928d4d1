// announce [FILE.torrent] [--tracker URL]... [--info-hash HEX] [--event E] [--port N]:
// one announce round; prints the peers the tracker gave, one ip:port per line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "shoal/cmd/announce_command.hpp"
#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Announces to a torrent's trackers once and prints the peers they return"};
  shoal::cmd::announce_options o;
  std::string level = "warn";
  shoal::ui::prepare_command_line(app, "announce");
  app.add_option("TORRENT", o.torrent, "a .torrent file (info-hash and trackers)");
  shoal::ui::check_urls(app.add_option("--tracker", o.trackers, "tracker URL (http:// or udp://; https:// is tried and "
                                            "reported unsupported), one tier each"),
                        {"http", "https", "udp"});
  app.add_option("--info-hash", o.info_hash_hex, "40 hex digits (needed without a torrent)");
  app.add_option("--peer-id", o.peer_id, "20 bytes (default: random -SH0010-...)");
  app.add_option("--event", o.event, "started, completed, stopped or none")->capture_default_str();
  shoal::ui::check_port(app.add_option("--port", o.port, "our listening port"))->capture_default_str();
  const shoal::integer_range bytes{0, std::int64_t{1} << 50, "", "bytes", true};  // 1024T
  shoal::ui::check_integer(app.add_option("--uploaded", o.uploaded, "bytes uploaded"), bytes);
  shoal::ui::check_integer(app.add_option("--downloaded", o.downloaded, "bytes downloaded"), bytes);
  shoal::ui::check_integer(app.add_option("--left", o.left, "bytes left to download"), bytes);
  shoal::ui::check_integer(app.add_option("--numwant", o.numwant, "peers wanted"), {0, 10000})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--timeout", o.timeout_seconds, "seconds per tracker"), {1, 3600, "", "seconds"})
      ->capture_default_str();
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "announce", argc, argv)) return *status;
  if (!shoal::ui::setup_logging(level)) return 2;
  return shoal::cmd::run_announce(o, std::cout, std::cerr);
}
