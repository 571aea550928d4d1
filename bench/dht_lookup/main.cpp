// dht_lookup: a local network of N of our DHT nodes on loopback, in one process (one io_context, one UDP socket
// each), for bench/dht_lookup.sh (not a tool, not installed). Node 0 starts alone; every other node bootstraps
// from node 0 and from one earlier node picked at random, as nodes join a real network. After the network
// settles, each of --lookups rounds picks an announcer and a looker at random: the announcer's get_peers lookup
// stores its port on the nodes closest to a random info-hash, then the looker's lookup must find it. Prints the
// looker's queries, round trips (the longest chain of dependent queries) and time for each, their summary, and
// the theoretical minimum of round trips to compare with.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "shoal/dht/node.hpp"

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct options {
  int nodes = 50;
  int lookups = 20;
  double settle_seconds = 3;
  unsigned seed = 1;
};

struct figures {
  std::size_t queries, replies, round_trips;
  double ms;
};

// Runs the loop until `ready()` or the deadline; false on the deadline.
template <class F>
bool run_until(asio::io_context& io, F ready, std::chrono::milliseconds limit) {
  const auto end = steady::now() + limit;
  while (!ready()) {
    if (steady::now() >= end) return false;
    io.run_for(20ms);
  }
  return true;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"dht_lookup: a lookup in a local network of our DHT nodes on loopback (bench/dht_lookup.sh)"};
  app.add_option("--nodes", o.nodes, "nodes in the network")->check(CLI::Range(2, 1000));
  app.add_option("--lookups", o.lookups, "announce + lookup rounds")->check(CLI::Range(1, 1000));
  app.add_option("--settle-seconds", o.settle_seconds, "time the network gets after the last node joined")
      ->check(CLI::Range(0.0, 120.0));
  app.add_option("--seed", o.seed, "random seed for the picks (node ids are random anyway)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  asio::io_context io;
  std::mt19937 rng(o.seed);
  std::vector<std::unique_ptr<shoal::dht::node>> net;
  // The round's looker and what it looks for: every node's peers handler checks them.
  shoal::sha1_digest wanted;
  std::uint16_t announce_port = 0;
  bool found = false;
  for (int i = 0; i < o.nodes; ++i) {
    shoal::dht::node_options no;
    no.bind_host = "127.0.0.1";
    no.found = [&](const shoal::sha1_digest& ih, const std::vector<shoal::peer_address>& peers) {
      for (const auto& p : peers) found = found || (ih == wanted && p.port == announce_port);
    };
    if (i > 0) {
      no.bootstrap.push_back("127.0.0.1:" + std::to_string(net[0]->port()));
      const auto other = std::uniform_int_distribution<int>(0, i - 1)(rng);
      if (other != 0) no.bootstrap.push_back("127.0.0.1:" + std::to_string(net[static_cast<std::size_t>(other)]->port()));
    }
    net.push_back(std::make_unique<shoal::dht::node>(io.get_executor(), no));
    if (auto st = net.back()->start(); !st) {
      std::fprintf(stderr, "dht_lookup: node %d: %s\n", i, st.message().c_str());
      return 1;
    }
    io.run_for(5ms);  // its bootstrap gets going before the next joins
  }
  run_until(io, [] { return false; }, std::chrono::milliseconds(static_cast<int>(o.settle_seconds * 1000)));
  std::size_t table_total = 0, table_min = SIZE_MAX;
  for (const auto& n : net) {
    table_total += n->stats().table_size;
    table_min = std::min(table_min, n->stats().table_size);
  }
  std::printf("network: %d nodes on 127.0.0.1, routing tables %.1f nodes on average (smallest %zu)\n", o.nodes,
              static_cast<double>(table_total) / o.nodes, table_min);

  std::vector<figures> got;
  int missed = 0;
  std::uniform_int_distribution<int> pick(0, o.nodes - 1);
  for (int round = 0; round < o.lookups; ++round) {
    shoal::sha1_digest ih;
    for (auto& b : ih.bytes) b = static_cast<std::uint8_t>(rng());
    const int a = pick(rng);
    int b = pick(rng);
    while (b == a) b = pick(rng);
    announce_port = static_cast<std::uint16_t>(20000 + round);
    bool announced = false;
    net[a]->track(ih, announce_port, [&](const shoal::dht::lookup_report&) { announced = true; });
    if (!run_until(io, [&] { return announced; }, 30s)) {
      std::fprintf(stderr, "dht_lookup: round %d: the announcer's lookup never ended\n", round);
      return 1;
    }
    net[a]->untrack(ih);
    io.run_for(50ms);  // the announce_peer queries land
    std::optional<shoal::dht::lookup_report> report;
    wanted = ih;
    found = false;
    net[b]->track(ih, 0, [&](const shoal::dht::lookup_report& r) { report = r; });
    if (!run_until(io, [&] { return report.has_value(); }, 30s)) {
      std::fprintf(stderr, "dht_lookup: round %d: the looker's lookup never ended\n", round);
      return 1;
    }
    net[b]->untrack(ih);
    if (!found) ++missed;
    const double ms = static_cast<double>(report->elapsed.count()) / 1000.0;
    got.push_back({report->queries, report->replies, report->round_trips, ms});
    std::printf("lookup %2d: node %2d finds node %2d's peer: %s  queries %3zu  replies %3zu  round trips %zu  %.2f ms\n",
                round, b, a, found ? "yes" : "NO ", report->queries, report->replies, report->round_trips, ms);
  }
  for (auto& n : net) n->stop();
  io.run_for(50ms);

  std::vector<double> q, rt, ms;
  for (const auto& f : got) {
    q.push_back(static_cast<double>(f.queries));
    rt.push_back(static_cast<double>(f.round_trips));
    ms.push_back(f.ms);
  }
  // Each reply names the K = 8 closest nodes its sender knows, so a round trip can narrow the search by a factor
  // of K at best: reaching the closest of N nodes takes at least ceil(log_K N) round trips.
  const double k = 8;
  const int minimum = static_cast<int>(std::ceil(std::log(static_cast<double>(o.nodes)) / std::log(k)));
  const double worst = *std::max_element(rt.begin(), rt.end());
  std::printf("summary of %d lookups: found %d/%d; queries median %.0f max %.0f; round trips median %.1f max %.0f; "
              "time median %.2f ms max %.2f ms\n",
              o.lookups, o.lookups - missed, o.lookups, median(q), *std::max_element(q.begin(), q.end()), median(rt),
              worst, median(ms), *std::max_element(ms.begin(), ms.end()));
  std::printf("theoretical minimum: ceil(log_%g(%d)) = ceil(%.2f / %.2f) = %d round trips; worst lookup %.0f: %s\n", k,
              o.nodes, std::log2(static_cast<double>(o.nodes)), std::log2(k), minimum, worst,
              worst <= minimum + 3 ? "within 3 of it" : "MORE than 3 above it");
  return missed == 0 ? 0 : 2;
}
