// many_torrents: one session seeding N small torrents, in-process, for bench/many_torrents.sh (not a tool, not
// installed). Makes N small files and their .torrent files under --dir (the anchor seeds the same ones), adds
// them all seeding, waits until every one is seeding, then measures what the issue asks for: idle CPU over
// --idle-seconds (getrusage), current and peak RSS (/proc/self/status), and how long reading the status of all
// N takes (median and max of --reads reads). Prints one line of key=value figures.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/file_walk.hpp"
#include "shoal/metainfo/torrent_builder.hpp"
#include "shoal/session/session.hpp"

namespace fs = std::filesystem;
namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

struct options {
  fs::path dir;
  int count = 1000;
  std::int64_t size = 64 * 1024;
  std::int64_t piece_length = 16 * 1024;
  double idle_seconds = 30;
  int reads = 100;
};

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

// VmRSS or VmHWM from /proc/self/status, in MiB.
double proc_status_mib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  return -1;
}

// data/tNNNN.bin (random bytes) and torrents/tNNNN.torrent; returns the parsed metainfo of each.
shoal::result<std::vector<shoal::metainfo>> make_torrents(const options& o) {
  fs::create_directories(o.dir / "data");
  fs::create_directories(o.dir / "torrents");
  std::mt19937_64 rng(42);
  std::vector<shoal::metainfo> out;
  std::string bytes(static_cast<std::size_t>(o.size), '\0');
  for (int i = 0; i < o.count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "t%04d", i);
    for (auto& c : bytes) c = static_cast<char>(rng());
    const auto file = o.dir / "data" / (std::string(name) + ".bin");
    std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    auto tree = shoal::walk_source(file);
    if (!tree) return tree.err();
    std::string hashes;
    for (std::int64_t at = 0; at < o.size; at += o.piece_length)
      hashes += shoal::sha1(std::string_view(bytes).substr(static_cast<std::size_t>(at),
                                                          static_cast<std::size_t>(o.piece_length)))
                    .str();
    shoal::torrent_spec spec;
    spec.source = &*tree;
    spec.piece_length = o.piece_length;
    spec.piece_hashes = std::move(hashes);
    const auto built = shoal::build_torrent(spec);
    std::ofstream(o.dir / "torrents" / (std::string(name) + ".torrent"), std::ios::binary) << built.bytes;
    auto m = shoal::parse_metainfo(built.bytes);
    if (!m) return m.err();
    out.push_back(std::move(*m));
  }
  return out;
}

int run(const options& o) {
  auto metas = make_torrents(o);
  if (!metas) {
    std::fprintf(stderr, "many_torrents: %s\n", metas.message().c_str());
    return 1;
  }
  const double rss_before = proc_status_mib("VmRSS");
  asio::io_context io;
  shoal::session::session_options so;
  so.host = "127.0.0.1";
  so.port = 0;
  shoal::session::session s(io.get_executor(), so);
  std::size_t events = 0;
  s.subscribe([&events](const shoal::session::session_event&) { ++events; });  // as seed --json does
  if (auto st = s.listen(); !st) {
    std::fprintf(stderr, "many_torrents: %s\n", st.message().c_str());
    return 1;
  }
  const auto t0 = steady::now();
  for (auto& m : *metas) {
    shoal::session::torrent_options to;
    to.root = o.dir / "data";
    to.seed_only = true;
    if (auto id = s.add(std::move(m), std::move(to)); !id) {
      std::fprintf(stderr, "many_torrents: %s\n", id.message().c_str());
      return 1;
    }
  }
  metas->clear();
  metas->shrink_to_fit();
  std::vector<shoal::session::torrent_status> all;
  auto seeding = [&] {
    all.clear();
    s.statuses(all);
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const auto& t) {
      return t.state == shoal::session::torrent_state::seeding;
    }));
  };
  while (seeding() < static_cast<std::size_t>(o.count)) {
    if (steady::now() - t0 > std::chrono::seconds(120)) {
      std::fprintf(stderr, "many_torrents: only %zu of %d seeding after 120 s\n", seeding(), o.count);
      return 1;
    }
    io.run_for(std::chrono::milliseconds(50));
  }
  const double all_seeding_s = std::chrono::duration<double>(steady::now() - t0).count();
  io.run_for(std::chrono::seconds(2));  // the last checks' aftermath settles

  const double cpu0 = cpu_seconds();
  const auto w0 = steady::now();
  io.run_for(std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(o.idle_seconds)));
  const double wall = std::chrono::duration<double>(steady::now() - w0).count();
  const double idle_cpu_pct = 100.0 * (cpu_seconds() - cpu0) / wall;

  std::vector<double> ms;
  for (int i = 0; i < o.reads; ++i) {
    all.clear();
    const auto r0 = steady::now();
    s.statuses(all);
    ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - r0).count());
    if (all.size() != static_cast<std::size_t>(o.count)) return 1;
    io.poll();
  }
  std::sort(ms.begin(), ms.end());
  const double rss = proc_status_mib("VmRSS"), hwm = proc_status_mib("VmHWM");

  bool stopped = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await s.stop(std::chrono::seconds(2), true);
    stopped = true;
  }, asio::detached);
  while (!stopped && steady::now() - w0 < std::chrono::seconds(600)) io.run_for(std::chrono::milliseconds(50));

  std::printf("shoal torrents=%d size=%lld all_seeding_s=%.2f idle_s=%.1f idle_cpu_pct=%.2f rss_mib=%.1f "
              "hwm_mib=%.1f rss_before_session_mib=%.1f status_all_median_ms=%.3f status_all_max_ms=%.3f reads=%d "
              "events=%zu\n",
              o.count, static_cast<long long>(o.size), all_seeding_s, wall, idle_cpu_pct, rss, hwm, rss_before,
              ms[ms.size() / 2], ms.back(), o.reads, events);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"many_torrents: one session seeding N small torrents; idle CPU, RSS, status read time"};
  app.add_option("--dir", o.dir, "work folder (data/ and torrents/ are made in it)")->required();
  app.add_option("--count", o.count, "torrents")->check(CLI::Range(1, 100000));
  app.add_option("--size", o.size, "bytes per torrent")->check(CLI::Range(1, 1 << 24));
  app.add_option("--idle-seconds", o.idle_seconds, "idle window measured")->check(CLI::Range(1.0, 600.0));
  app.add_option("--reads", o.reads, "reads of every status")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);  // 1,000 "seeding" lines would measure the terminal
  return run(o);
}
