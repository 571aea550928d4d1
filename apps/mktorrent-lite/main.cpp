// mktorrent-lite PATH [options]: makes a .torrent of a file or folder, hashing in parallel.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "shoal/metainfo/torrent_builder.hpp"
#include "shoal/ui/command_line.hpp"
#include "shoal/ui/log.hpp"
#include "shoal/cmd/mktorrent_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Makes a .torrent (BitTorrent v1) of a file or folder"};
  shoal::cmd::mktorrent_options o;
  std::string created_by;
  std::string level = "warn";
  shoal::ui::prepare_command_line(app, "mktorrent-lite");
  app.add_option("PATH", o.input, "file or folder to share")->required();
  shoal::ui::check_urls(app.add_option("-a,--announce", o.announce,
                                       "tracker URL (http, https or udp); repeat for more tiers, commas join URLs "
                                       "into one tier (default " + std::string(shoal::cmd::default_announce) +
                                           ", which only this machine can reach)"),
                        {"http", "https", "udp"}, true);
  app.add_option("-o,--output", o.output, "torrent file to write (default ./NAME.torrent)");
  app.add_flag("-f,--force", o.force, "overwrite the output file");
  app.add_option("-l,--piece-length", o.piece_length,
                 "bytes (262144, 256K, 1M; K = 1024) or exponent (18 = 2^18); power of two, 16K to 256M "
                 "(default: 1000-2000 pieces, 16K to 16M)")
      ->check(CLI::Validator(
          [](std::string& text) {
            auto parsed = shoal::parse_piece_length(text);
            return parsed ? std::string() : parsed.message();
          },
          ""))
      ->type_name("SIZE");
  app.add_flag("-p,--private", o.is_private, "private torrent (BEP 27)");
  app.add_option("-c,--comment", o.comment, "comment");
  app.add_option("-n,--name", o.name, "torrent name (default: last component of PATH)");
  shoal::ui::check_urls(app.add_option("-w,--web-seed", o.web_seeds, "web seed URL (BEP 19); repeatable"),
                        {"http", "https"});
  shoal::ui::check_integer(app.add_option("-j,--threads", o.threads, "hashing threads"), {0, 1024, "every core"});
  app.add_flag("--mmap,!--no-mmap", o.use_mmap,
               "hash the files mmap'ed in place instead of read with pread (slower: pread hashes two pieces at "
               "once per thread, and mapping costs more than the copy; default: pread)");
  app.add_flag("--no-date", o.no_date, "leave out the creation date");
  auto* cb = app.add_option("--created-by", created_by, "'created by' field (default: Shoal <version>)");
  app.add_flag("--include-hidden", o.include_hidden, "include files and folders whose name starts with '.'");
  shoal::ui::add_log_level_option(app, level);
  if (auto status = shoal::ui::parse_command_line(app, "mktorrent-lite", argc, argv)) return *status;
  if (!shoal::ui::setup_logging(level)) return 2;
  if (cb->count() > 0) o.created_by = created_by;
  return shoal::cmd::run_mktorrent(o, std::cout, std::cerr, stderr);
}
