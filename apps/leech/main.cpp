// leech FILE.torrent... -o DIR: downloads from many peers at once, verified piece by piece, resumable.
#include <CLI/CLI.hpp>

#include "shoal/session/run.hpp"
#include "shoal/ui/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Download torrents from their swarms into DIR (resuming what is already there)"};
  shoal::session::leech_config cfg;
  std::string level = "info";
  app.add_option("torrents", cfg.torrents, "FILE.torrent...")->required()->check(CLI::ExistingFile);
  app.add_option("-o,--output", cfg.output, "folder the data goes to")->required();
  app.add_option("--port", cfg.port, "TCP port to listen on (another one if busy)")->capture_default_str();
  app.add_option("--host", cfg.host, "address to listen on")->capture_default_str();
  app.add_option("--peer", cfg.peers, "HOST:PORT of a peer to connect to directly (repeatable)");
  app.add_option("--max-peers", cfg.max_peers, "connections per torrent")->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_flag("--seed", cfg.seed, "go on seeding after completion until stopped");
  app.add_option("--seed-ratio", cfg.seed_ratio,
                 "seed after completion until uploaded >= RATIO x size, then exit (0 = as --seed says)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--timeout", cfg.timeout_s, "give up after this many seconds without a verified piece")
      ->capture_default_str()->check(CLI::Range(1, 1 << 30));
  app.add_option("--max-peers-total", cfg.max_peers_total, "connections over every torrent, 0 = unlimited")
      ->capture_default_str();
  app.add_option("--upload-slots", cfg.upload_slots, "peers served at once")->capture_default_str();
  app.add_option("--max-download-rate", cfg.max_download_rate, "bytes/s per torrent, 0 = unlimited")
      ->capture_default_str();
  app.add_option("--max-download-rate-total", cfg.max_download_rate_total,
                 "bytes/s over every torrent of this process, 0 = unlimited")
      ->capture_default_str();
  app.add_option("--max-upload-rate", cfg.max_upload_rate, "bytes/s per torrent, 0 = unlimited")
      ->capture_default_str();
  app.add_option("--max-upload-rate-total", cfg.max_upload_rate_total,
                 "bytes/s over every torrent of this process, 0 = unlimited")
      ->capture_default_str();
  app.add_option("--hash-threads", cfg.hash_threads, "threads checking pieces")->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_flag("--overwrite", cfg.overwrite,
               "write into and cut files in DIR that leech did not create (default: such a file is kept only if its "
               "data verifies as the torrent's, and otherwise refused)");
  app.add_flag("--sparse", cfg.sparse,
               "do not preallocate the files (default: reserve their space first, so a full disk shows at once)");
  shoal::ui::add_log_level_option(app, level);
  CLI11_PARSE(app, argc, argv);
  if (!shoal::ui::setup_logging(level)) return 2;
  return shoal::session::run_leech(cfg);
}
