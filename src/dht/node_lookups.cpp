// Iterative lookups (lookup.hpp decides whom to ask): the bootstrap, bucket refreshes, and each tracked torrent's
// get_peers, ended by announce_peer to the closest nodes that replied.
#include "node_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace shoal::dht {

using namespace std::chrono_literals;

void node::impl::start_lookup(std::shared_ptr<lookup_run> run, std::vector<node_info> seeds) {
  run->search.add_candidates(seeds.empty() ? table.closest(run->search.target(), 16, dht_clock::now()) : seeds);
  pump(run);
}

void node::impl::pump(const std::shared_ptr<lookup_run>& run) {
  if (stopped) return;
  if (run->search.done()) {
    finish(run);
    return;
  }
  for (const auto& n : run->search.next()) {
    krpc_query q;
    if (run->get_peers) {
      q.method = query_method::get_peers;
      q.info_hash = run->search.target();
    } else {
      q.method = query_method::find_node;
      q.target = run->search.target();
    }
    std::weak_ptr<impl> weak = shared_from_this();
    query(n.address, std::move(q), [weak, run, to = n.address](const krpc_message* m) {
      auto self = weak.lock();
      if (!self || self->stopped) return;
      self->on_lookup_reply(run, to, m);
    });
  }
  if (run->search.done()) finish(run);
}

void node::impl::on_lookup_reply(const std::shared_ptr<lookup_run>& run, const peer_address& to, const krpc_message* m) {
  const auto* r = m ? std::get_if<krpc_response>(&m->body) : nullptr;
  if (!r) {
    run->search.on_failure(to);
    if (!m) table.failed(to);
  } else {
    run->search.on_reply(to, r->id, r->token);
    run->search.add_candidates(r->nodes, &to);
    run->peers_found += r->values.size();
    if (run->get_peers && !r->values.empty() && options.found && torrents.contains(run->search.target()))
      options.found(run->search.target(), r->values);
  }
  pump(run);
}

void node::impl::finish(const std::shared_ptr<lookup_run>& run) {
  if (!run->finished) return;  // finished once
  auto finished = std::move(run->finished);
  run->finished = nullptr;
  if (run->get_peers && run->announce_port != 0) {
    for (const auto& n : run->search.closest_replied()) {
      if (n.token.empty()) continue;
      krpc_query q;
      q.method = query_method::announce_peer;
      q.info_hash = run->search.target();
      q.port = run->announce_port;  // named explicitly: our DHT port may differ from the peer port
      q.implied_port = false;
      q.token = n.token;
      query(n.node.address, std::move(q), [](const krpc_message*) {});
    }
  }
  finished(*run);
}

asio::awaitable<void> node::impl::bootstrap() {
  auto keep = shared_from_this();
  bootstrapping = true;
  last_bootstrap = dht_clock::now();
  std::vector<node_info> seeds;
  udp::resolver resolver(executor);
  for (const auto& hp : options.bootstrap) {
    const auto colon = hp.rfind(':');
    if (colon == std::string::npos) continue;  // refused at the command line already
    auto [ec, results] = co_await resolver.async_resolve(udp::v4(), hp.substr(0, colon), hp.substr(colon + 1),
                                                         asio::as_tuple(asio::use_awaitable));
    if (stopped) co_return;
    if (ec) {
      spdlog::debug("dht: bootstrap node {}: {}", hp, ec.message());
      continue;
    }
    for (const auto& e : results) {
      if (auto a = from_endpoint(e.endpoint())) seeds.push_back({random_node_id(rng), *a});  // id unknown yet
    }
  }
  for (const auto& n : table.closest(self, 16, dht_clock::now())) seeds.push_back(n);
  if (seeds.empty()) {
    bootstrapping = false;
    co_return;
  }
  auto run = std::make_shared<lookup_run>(lookup_run{lookup(self), false, 0, nullptr});
  run->finished = [weak = weak_from_this()](const lookup_run& r) {
    auto s = weak.lock();
    if (!s) return;
    s->bootstrapping = false;
    spdlog::debug("dht: bootstrap done: {} queries, {} nodes in the table", r.search.queries(), s->table.size());
  };
  start_lookup(run, std::move(seeds));
}

void node::impl::run_torrent(const tracked& t) {
  t.running = true;
  auto run = std::make_shared<lookup_run>(lookup_run{lookup(t.info_hash), true, t.peer_port, nullptr});
  run->finished = [weak = weak_from_this(), info_hash = t.info_hash](const lookup_run& r) {
    auto s = weak.lock();
    if (!s) return;
    auto it = s->torrents.find(info_hash);
    if (it == s->torrents.end()) return;
    const auto& t = *it;
    t.running = false;
    const bool reached = !r.search.closest_replied().empty();
    if (r.peers_found > 0)
      t.empty_runs = 0;
    else if (t.empty_runs < 255)
      ++t.empty_runs;
    // Nobody answered (the table was empty or stale): again in 10 s. No peer yet (a torrent just announced
    // elsewhere): again after 15 s, 30 s, 60 s ... up to the announce interval.
    std::chrono::seconds wait = s->options.announce_interval;
    if (!reached) {
      wait = std::chrono::seconds(10);
    } else if (t.empty_runs > 0) {
      wait = std::min(wait, std::chrono::seconds(15) * (1 << std::min(t.empty_runs - 1, 6)));
    }
    t.next_run = dht_clock::now() + wait;
    const lookup_report report{info_hash, r.search.queries(), r.search.replies(), r.search.round_trips(),
                               r.peers_found,
                               std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - r.started)};
    spdlog::debug("dht: lookup {}: {} queries, {} nodes replied, {} peers ({} replies, {} round trips, {} us)",
                  info_hash.hex(), report.queries, r.search.closest_replied().size(), report.peers, report.replies,
                  report.round_trips, report.elapsed.count());
    if (auto h = s->reporters.find(info_hash); h != s->reporters.end()) {
      auto reported = h->second;  // a copy, called last: it may untrack (and end t and the handler)
      reported(report);
    }
  };
  start_lookup(run, {});
}

}  // namespace shoal::dht
