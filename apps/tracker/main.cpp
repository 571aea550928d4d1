// tracker: the BitTorrent tracker, HTTP and UDP.
#include <CLI/CLI.hpp>

#include "shoal/tracker/server/store_location.hpp"
#include "shoal/tracker/server/tracker_server.hpp"
#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"BitTorrent tracker over HTTP (BEP 3, 7, 23, 48) and UDP (BEP 15)"};
  shoal::tracker::server_options o;
  std::string log_level = "info";
  bool no_full_scrape = false;
  shoal::ui::prepare_command_line(app, "tracker");
  app.add_option("--host", o.host, "Address to listen on (:: for IPv6 and IPv4)")->capture_default_str();
  shoal::ui::check_port(app.add_option("--port", o.port, "TCP port (HTTP), and the UDP port unless --udp-port"))
      ->capture_default_str();
  shoal::ui::check_port(app.add_option("--udp-port", o.udp_port, "UDP port (BEP 15) (default: --port)"),
                        "UDP off");
  app.add_option("--udp-secret", o.udp_secret,
                 "Key for UDP connection ids; trackers given the same one accept each other's "
                 "(default: shared through a redis store, else random at start)")
      ->envname("SHOAL_TRACKER_UDP_SECRET");
  app.add_option("--store", o.store,
                 "Where swarms live: memory (this process), or redis://HOST:PORT[/DB] shared by "
                 "every tracker process using it")
      ->check([](const std::string& s) {
        auto where = shoal::tracker::parse_store_location(s);
        return where ? std::string() : where.message();
      })
      ->capture_default_str();
  const shoal::integer_range seconds{1, 86400, "", "seconds"}, peers{0, 10000};
  shoal::ui::check_integer(app.add_option("--interval", o.tracker.interval, "Seconds between announces"), seconds)
      ->capture_default_str();
  shoal::ui::check_integer(app.add_option("--min-interval", o.tracker.min_interval, "Minimum seconds between announces"),
                           seconds)->capture_default_str();
  shoal::ui::check_integer(app.add_option("--max-numwant", o.tracker.max_numwant, "Most peers given in one reply"),
                           peers)->capture_default_str();
  shoal::ui::check_integer(app.add_option("--default-numwant", o.tracker.default_numwant,
                                          "Peers given when numwant is absent"), peers)->capture_default_str();
  shoal::ui::check_integer(app.add_option("--threads", o.threads, "Threads serving requests (and UDP sockets)"),
                           {1, 256})->capture_default_str();
  shoal::ui::check_number(app.add_option("--expiry-factor", o.expiry_factor, "Peers silent for this many intervals expire"),
                          {1.0, 100.0})->capture_default_str();
  app.add_flag("--allow-ip-param", o.tracker.allow_ip_param, "Believe the announce's ip parameter");
  app.add_flag("--no-full-scrape", no_full_scrape, "Refuse a scrape without info_hash");
  auto* white = app.add_option("--whitelist", o.whitelist_path, "Serve only the info-hashes in this file (hex, one a line; SIGHUP reloads)");
  app.add_option("--blacklist", o.blacklist_path, "Refuse the info-hashes in this file (SIGHUP reloads)")->excludes(white);
  shoal::ui::check_integer(app.add_option("--max-connections", o.max_connections, "Open connections allowed"),
                           {1, 1000000})->capture_default_str();
  shoal::ui::check_integer(app.add_option("--request-timeout", o.request_timeout,
                                          "Seconds a client has to send a request head"), {1, 3600, "", "seconds"})
      ->capture_default_str();
  shoal::ui::add_log_level_option(app, log_level);
  if (auto status = shoal::ui::parse_command_line(app, "tracker", argc, argv)) return *status;
  o.tracker.full_scrape = !no_full_scrape;
  if (!shoal::ui::setup_logging(log_level)) return 2;
  return shoal::tracker::run_tracker(o);
}
