// leech FILE.torrent|MAGNET... -o DIR: downloads from many peers at once, verified piece by piece, resumable.
#include <CLI/CLI.hpp>

#include "shoal/cmd/peer_process_options.hpp"
#include "shoal/cmd/run.hpp"
#include "shoal/metainfo/magnet.hpp"
#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Download torrents from their swarms into DIR (resuming what is already there)"};
  shoal::cmd::leech_config cfg;
  std::string level = "info";
  shoal::ui::prepare_command_line(
      app, "leech",
      "Progress: on a terminal one line per torrent (done of total, current rates, peers, ETA or \"stalled\"),\n"
      "redrawn to fit its width; otherwise a plain line every 2 s. Sizes and rates in KiB, MiB, GiB.\n"
      "A tracker's refusal is shown at once; with no other tracker or peer to turn to, the leech ends.\n"
      "Ctrl-C stops within 1 s (a second one at once); running the same command again resumes.\n"
      "Exit status 1: a torrent failed (--timeout, refused by its trackers, bad data); 130 interrupted by\n"
      "SIGINT (143 by SIGTERM) before every piece was verified.");
  app.add_option("torrents", cfg.torrents, "FILE.torrent or 'magnet:?xt=urn:btih:...' (quote it)...")
      ->required()
      ->check(CLI::Validator(
          [](std::string& s) { return shoal::looks_like_magnet(s) ? std::string{} : CLI::ExistingFile(s); },
          "FILE|MAGNET"));
  app.add_option("--save-torrent", cfg.save_torrent,
                 "a magnet link: write the .torrent learned from the peers to FILE (an existing different file is "
                 "never replaced)");
  app.add_option("-o,--output", cfg.output, "folder the data goes to")->required();
  shoal::ui::check_port(app.add_option("--port", cfg.port, "TCP port to listen on (another one if busy)"),
                        "any free port")->capture_default_str();
  app.add_option("--peer", cfg.peers, "HOST:PORT of a peer to connect to directly (repeatable)");
  app.add_flag("--seed", cfg.seed, "go on seeding after completion until stopped");
  shoal::ui::check_number(app.add_option("--seed-ratio", cfg.seed_ratio,
                                         "seed after completion until uploaded >= RATIO x size, then exit"),
                          {0.0, 1e6, "as --seed says"});
  shoal::ui::check_integer(app.add_option("--timeout", cfg.timeout_s,
                                          "give up after this many seconds without a verified piece"),
                           {1, 1 << 30, "", "seconds"})->capture_default_str();
  shoal::ui::check_rate(app.add_option("--max-download-rate", cfg.max_download_rate,
                                       "bytes/s per torrent, e.g. 500K or 2M"))
      ->capture_default_str();
  shoal::ui::check_rate(app.add_option("--max-download-rate-total", cfg.max_download_rate_total,
                                       "bytes/s over every torrent of this process"))
      ->capture_default_str();
  app.add_flag("--overwrite", cfg.overwrite,
               "write into and cut files in DIR that leech did not create (default: such a file is kept only if its "
               "data verifies as the torrent's, and otherwise refused)");
  app.add_flag("--sparse", cfg.sparse,
               "do not preallocate the files (default: reserve their space first, so a full disk shows at once)");
  shoal::cmd::add_peer_process_options(app, cfg);
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "leech", argc, argv)) return *status;
  if (!shoal::ui::setup_logging(level)) return 2;
  return shoal::cmd::run_leech(cfg);
}
