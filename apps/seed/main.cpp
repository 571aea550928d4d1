// seed FILE.torrent... [--data PATH] [--port 6881] [--host ADDR]: serves complete data to many peers.
// With several torrents, --data DIR holds each one's content under its name.
#include <CLI/CLI.hpp>

#include "shoal/cmd/peer_process_options.hpp"
#include "shoal/cmd/run.hpp"
#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Serve complete torrent data to peers, announcing to the torrents' trackers"};
  shoal::cmd::seed_config cfg;
  std::string level = "info";
  shoal::ui::prepare_command_line(
      app, "seed",
      "A torrent whose data is missing or wrong is reported and skipped; the others are served.\n"
      "Exit status 0 after SIGINT/SIGTERM or --seed-ratio; 1 when no torrent can be served.");
  app.add_option("torrents", cfg.torrents, "FILE.torrent...")->required()->check(CLI::ExistingFile);
  app.add_option("--data", cfg.data,
                 "one torrent: its content (file or folder); several: the folder holding each one's content under "
                 "its name; default: the torrents' names here");
  shoal::ui::check_port(app.add_option("--port", cfg.port, "TCP port to listen on"), "any free port")
      ->capture_default_str();
  app.add_flag("--super-seed", cfg.super_seed,
               "reveal pieces a few at a time, each to one peer, so the first copy uploaded has no duplicates");
  shoal::ui::check_number(app.add_option("--seed-ratio", cfg.seed_ratio, "exit once uploaded >= RATIO x size"),
                          {0.0, 1e6, "seed until stopped"});
  shoal::cmd::add_peer_process_options(app, cfg);
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "seed", argc, argv)) return *status;
  if (!shoal::ui::setup_logging(level)) return 2;
  return shoal::cmd::run_seed(cfg);
}
