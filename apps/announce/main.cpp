// announce [FILE.torrent] [--tracker URL]... [--info-hash HEX] [--event E] [--port N]:
// one announce round; prints the peers the tracker gave, one ip:port per line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "shoal/ui/announce_command.hpp"
#include "shoal/ui/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Announces to a torrent's trackers once and prints the peers they return"};
  shoal::ui::announce_options o;
  std::string level = "warn";
  app.add_option("TORRENT", o.torrent, "a .torrent file (info-hash and trackers)");
  app.add_option("--tracker", o.trackers, "tracker URL (http:// or udp://), one tier each");
  app.add_option("--info-hash", o.info_hash_hex, "40 hex digits (needed without a torrent)");
  app.add_option("--peer-id", o.peer_id, "20 bytes (default: random -SH0010-...)");
  app.add_option("--event", o.event, "started, completed, stopped or none")->capture_default_str();
  app.add_option("--port", o.port, "our listening port")->capture_default_str();
  app.add_option("--uploaded", o.uploaded, "bytes uploaded");
  app.add_option("--downloaded", o.downloaded, "bytes downloaded");
  app.add_option("--left", o.left, "bytes left to download");
  app.add_option("--numwant", o.numwant, "peers wanted")->capture_default_str();
  app.add_option("--timeout", o.timeout_seconds, "seconds per tracker")->capture_default_str();
  shoal::ui::add_log_level_option(app, level);
  CLI11_PARSE(app, argc, argv);
  if (!shoal::ui::setup_logging(level)) return 2;
  return shoal::ui::run_announce(o, std::cout, std::cerr);
}
