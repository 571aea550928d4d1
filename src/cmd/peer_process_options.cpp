#include "shoal/cmd/peer_process_options.hpp"

#include <CLI/CLI.hpp>

#include "shoal/ui/command_line.hpp"

namespace shoal::cmd {

void add_peer_process_options(CLI::App& app, peer_process_config& cfg) {
  app.add_option("--host", cfg.host, "address to listen on")->capture_default_str();
  ui::check_integer(app.add_option("--max-peers", cfg.max_peers, "connections per torrent"), {1, 1000})
      ->capture_default_str();
  ui::check_integer(app.add_option("--max-peers-total", cfg.max_peers_total, "connections over every torrent"),
                    {0, 1000000, "unlimited"})->capture_default_str();
  ui::check_integer(app.add_option("--upload-slots", cfg.upload_slots, "peers served at once"), {1, 1000})
      ->capture_default_str();
  ui::check_rate(app.add_option("--max-upload-rate", cfg.max_upload_rate, "bytes/s per torrent, e.g. 500K or 2M"))
      ->capture_default_str();
  ui::check_rate(app.add_option("--max-upload-rate-total", cfg.max_upload_rate_total,
                                "bytes/s over every torrent of this process"))
      ->capture_default_str();
  ui::check_integer(app.add_option("--hash-threads", cfg.hash_threads,
                                   "threads hashing data (the check of existing data and piece verification)"),
                    {1, 64})->capture_default_str();
  app.add_flag("--json", cfg.json,
               "one JSON object per event on stdout (listening, added, state, pieces, completed, error, removed, "
               "stats, exit); see docs/cli.md");
  app.add_flag("--control", cfg.control,
               "read JSON commands from stdin, one per line (add, remove, pause, resume, verify, reannounce, "
               "limits, status, stop); the process then runs until \"stop\", the end of stdin or a signal");
  ui::add_dht_options(app, cfg.dht_port, cfg.dht_bootstrap, cfg.no_dht);
}

}  // namespace shoal::cmd
