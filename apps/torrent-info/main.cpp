// torrent-info FILE.torrent|MAGNET [--json] [--log-level L]: what a .torrent contains.
#include <CLI/CLI.hpp>
#include <iostream>

#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"
#include "shoal/ui/torrent_summary.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Shows what a .torrent file contains (exit status 2 when it is invalid)"};
  std::string file;
  bool json = false;
  std::string level = "warn";
  shoal::ui::prepare_command_line(app, "torrent-info");
  app.add_option("FILE", file, "the .torrent file, or a magnet link (quote it)")->required();
  app.add_flag("--json", json, "print one JSON object instead of text");
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "torrent-info", argc, argv)) return *status;
  if (!shoal::ui::setup_logging(level)) return 2;
  return shoal::ui::run_torrent_info(file, json, std::cout, std::cerr);
}
