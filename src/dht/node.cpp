#include "shoal/dht/node.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <array>
#include <list>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "shoal/dht/lookup.hpp"
#include "shoal/dht/node_id.hpp"
#include "shoal/dht/peer_store.hpp"
#include "shoal/dht/rate_limiter.hpp"
#include "shoal/dht/routing_table.hpp"
#include "shoal/dht/token_keeper.hpp"
#include "shoal/net/spawn.hpp"

namespace shoal::dht {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t receive_size = 4096;  // larger datagrams are read in full and then refused
constexpr std::size_t max_pending = 2048;    // queries of ours awaiting a reply
constexpr std::size_t values_per_reply = 50;  // get_peers values that fit a 1500-byte datagram
const std::string client_version = "SH01";

udp::endpoint to_endpoint(const peer_address& a) {
  asio::ip::address_v4::bytes_type b;
  std::copy_n(a.ip.begin(), 4, b.begin());
  return {asio::ip::address_v4(b), a.port};
}

std::optional<peer_address> from_endpoint(const udp::endpoint& e) {
  if (!e.address().is_v4()) return std::nullopt;  // IPv4 only (no BEP 32 socket yet)
  peer_address a;
  const auto b = e.address().to_v4().to_bytes();
  std::copy(b.begin(), b.end(), a.ip.begin());
  a.port = e.port();
  return a;
}

}  // namespace

struct node::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor ex, node_options o)
      : executor(ex), options(std::move(o)), rng(std::random_device{}()),
        self(options.restore ? options.restore->id : random_node_id(rng)),
        table(self), tokens(rng), socket(ex), tick_timer(ex) {}

  using reply_handler = std::function<void(const krpc_message*)>;  // nullptr: timed out
  struct pending_query {
    peer_address to;
    dht_clock::time_point deadline;
    reply_handler done;
  };
  // A tracked torrent: 32 bytes, 48 with the hash set's link (a std::map of two std::function took 144, and the
  // session's closure 32 more: docs/performance.md, issue 12). Keyed by the info hash alone; the rest changes in
  // place, hence mutable.
  struct tracked {
    sha1_digest info_hash;
    mutable std::uint16_t peer_port = 0;
    mutable bool running = false;
    mutable std::uint8_t empty_runs = 0;       // lookups in a row that found no peer (saturates at 255)
    mutable dht_clock::time_point next_run{};  // epoch: as soon as the table has nodes
  };
  static_assert(sizeof(tracked) == 32);
  // Find by info hash without building a tracked.
  struct tracked_hash {
    using is_transparent = void;
    std::size_t operator()(const sha1_digest& d) const noexcept { return sha1_digest_hash{}(d); }
    std::size_t operator()(const tracked& t) const noexcept { return (*this)(t.info_hash); }
  };
  struct tracked_equal {
    using is_transparent = void;
    static const sha1_digest& key(const sha1_digest& d) { return d; }
    static const sha1_digest& key(const tracked& t) { return t.info_hash; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept { return key(a) == key(b); }
  };

  asio::any_io_executor executor;
  node_options options;
  std::mt19937_64 rng;
  node_id self;
  routing_table table;
  token_keeper tokens;
  peer_store store;
  rate_limiter limiter;
  udp::socket socket;
  asio::steady_timer tick_timer;
  std::map<std::uint16_t, pending_query> pending;
  std::uint16_t next_transaction = 0;
  std::unordered_set<tracked, tracked_hash, tracked_equal> torrents;
  // Only the torrents tracked with a report handler (bench/dht_lookup's).
  std::unordered_map<sha1_digest, report_handler, sha1_digest_hash> reporters;
  bool stopped = false;
  bool bootstrapping = false;
  dht_clock::time_point last_bootstrap{};
  dht_clock::time_point last_rotation = dht_clock::now();
  node_stats counters;

  // --- sending -------------------------------------------------------------------------------------

  void send(const peer_address& to, const std::string& packet) {
    if (stopped) return;
    boost::system::error_code ec;
    socket.send_to(asio::buffer(packet), to_endpoint(to), 0, ec);  // UDP: never blocks for long
    if (ec) spdlog::debug("dht: send to {}: {}", to.to_string(), ec.message());
  }

  void query(const peer_address& to, krpc_query q, reply_handler done) {
    if (stopped || pending.size() >= max_pending) {
      done(nullptr);
      return;
    }
    std::uint16_t tid;
    do tid = next_transaction++;
    while (pending.contains(tid));
    krpc_message m;
    m.transaction = std::string{static_cast<char>(tid >> 8), static_cast<char>(tid & 0xff)};
    m.version = client_version;
    q.id = self;
    m.body = std::move(q);
    pending.emplace(tid, pending_query{to, dht_clock::now() + options.query_timeout, std::move(done)});
    ++counters.queries_sent;
    send(to, encode_krpc(m));
  }

  void reply(const peer_address& to, const std::string& transaction, krpc_response r) {
    krpc_message m;
    m.transaction = transaction;
    m.version = client_version;
    m.your_ip = to;
    r.id = self;
    m.body = std::move(r);
    send(to, encode_krpc(m));
  }

  void reply_error(const peer_address& to, const std::string& transaction, std::int64_t code, std::string text) {
    krpc_message m;
    m.transaction = transaction;
    m.version = client_version;
    m.body = krpc_error{code, std::move(text)};
    send(to, encode_krpc(m));
  }

  // --- receiving -----------------------------------------------------------------------------------

  asio::awaitable<void> receive_loop() {
    auto keep = shared_from_this();
    std::array<char, receive_size> buf;
    udp::endpoint from;
    for (;;) {
      auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buf), from, asio::as_tuple(asio::use_awaitable));
      if (stopped) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        continue;  // ICMP port unreachable and the like: the query's timeout handles it
      }
      auto source = from_endpoint(from);
      if (!source) continue;
      on_packet(*source, std::string_view(buf.data(), n));
    }
  }

  void on_packet(const peer_address& from, std::string_view packet) {
    const auto now = dht_clock::now();
    // Everything from one IP counts against its budget: replies are cheap, but a flood of anything is not.
    if (!limiter.allow(from, now)) {
      ++counters.packets_dropped;
      return;
    }
    auto m = decode_krpc(packet);
    if (!m) {
      // No reply: a malformed packet may carry a spoofed source, and an error would send it traffic.
      ++counters.packets_dropped;
      spdlog::debug("dht: from {}: {}", from.to_string(), m.message());
      return;
    }
    if (m->is_query()) {
      on_query(from, *m, now);
    } else {
      on_reply(from, *m, now);
    }
  }

  void on_reply(const peer_address& from, const krpc_message& m, dht_clock::time_point now) {
    if (m.transaction.size() != 2) return;
    const auto tid = static_cast<std::uint16_t>((static_cast<std::uint8_t>(m.transaction[0]) << 8) |
                                                static_cast<std::uint8_t>(m.transaction[1]));
    auto it = pending.find(tid);
    if (it == pending.end() || it->second.to != from) return;  // not ours, or from someone else
    auto done = std::move(it->second.done);
    pending.erase(it);
    if (const auto* r = std::get_if<krpc_response>(&m.body)) table.heard_from({r->id, from}, now, true);
    done(&m);
  }

  void on_query(const peer_address& from, const krpc_message& m, dht_clock::time_point now) {
    ++counters.queries_received;
    const auto& q = std::get<krpc_query>(m.body);
    if (!m.read_only && q.method != query_method::unknown) table.heard_from({q.id, from}, now, true);
    krpc_response r;
    switch (q.method) {
      case query_method::ping:
        break;
      case query_method::find_node:
        r.nodes = table.closest(q.target, bucket_size, now);
        break;
      case query_method::get_peers:
        r.values = store.get(q.info_hash, values_per_reply, now, rng);
        if (r.values.empty()) r.nodes = table.closest(q.info_hash, bucket_size, now);
        r.token = tokens.make(from);
        break;
      case query_method::announce_peer: {
        if (!tokens.valid(q.token, from)) {
          reply_error(from, m.transaction, krpc_errc::protocol, "announce_peer: bad token");
          return;
        }
        peer_address peer = from;
        if (!q.implied_port) peer.port = q.port;
        if (peer.port == 0) {
          reply_error(from, m.transaction, krpc_errc::protocol, "announce_peer: port 0");
          return;
        }
        (void)store.announce(q.info_hash, peer, now);  // full: refused quietly, as the answer is the same
        break;
      }
      case query_method::unknown:
        reply_error(from, m.transaction, krpc_errc::method_unknown, "method unknown");
        return;
    }
    reply(from, m.transaction, std::move(r));
  }

  // --- lookups -------------------------------------------------------------------------------------

  // One iterative lookup: find_node (bootstrap, refresh) or get_peers (then announce_peer).
  struct lookup_run {
    lookup search;
    bool get_peers;
    std::uint16_t announce_port = 0;  // get_peers: announce this port at the end (0: do not)
    std::function<void(const lookup_run&)> finished;
    std::size_t peers_found = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  };

  void start_lookup(std::shared_ptr<lookup_run> run, std::vector<node_info> seeds) {
    run->search.add_candidates(seeds.empty() ? table.closest(run->search.target(), 16, dht_clock::now()) : seeds);
    pump(run);
  }

  void pump(const std::shared_ptr<lookup_run>& run) {
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

  void on_lookup_reply(const std::shared_ptr<lookup_run>& run, const peer_address& to, const krpc_message* m) {
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

  void finish(const std::shared_ptr<lookup_run>& run) {
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

  // --- bootstrap, refresh, torrents -----------------------------------------------------------------

  asio::awaitable<void> bootstrap() {
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

  void run_torrent(const tracked& t) {
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

  void expire_pending(dht_clock::time_point now) {
    std::vector<reply_handler> timed_out;
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      timed_out.push_back(std::move(it->second.done));
      it = pending.erase(it);
    }
    for (auto& done : timed_out) done(nullptr);  // may send new queries: after the map walk
  }

  asio::awaitable<void> tick_loop() {
    auto keep = shared_from_this();
    for (;;) {
      tick_timer.expires_after(250ms);
      auto [ec] = co_await tick_timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (stopped || ec == asio::error::operation_aborted) co_return;
      const auto now = dht_clock::now();
      expire_pending(now);
      if (now - last_rotation >= 5min) {
        tokens.rotate();
        store.expire(now);
        last_rotation = now;
      }
      if (!bootstrapping && table.size() < bucket_size && now - last_bootstrap >= 30s) {
        asio::co_spawn(executor, bootstrap(), net::report_exception("dht bootstrap"));
      }
      if (table.size() == 0) continue;
      // The due ones first: a lookup that ends at once may untrack (a report handler), which a walk of the set
      // would not survive.
      std::vector<sha1_digest> due;
      for (const auto& t : torrents)
        if (!t.running && now >= t.next_run) due.push_back(t.info_hash);
      for (const auto& ih : due)
        if (auto it = torrents.find(ih); it != torrents.end()) run_torrent(*it);
      for (const auto& n : table.to_ping(now, 4)) {
        krpc_query q;
        q.method = query_method::ping;
        std::weak_ptr<impl> weak = shared_from_this();
        query(n.address, std::move(q), [weak, to = n.address](const krpc_message* m) {
          if (auto s = weak.lock(); s && !m) s->table.failed(to);
        });
      }
      for (const auto& target : table.refresh_targets(now, 15min, rng)) {
        auto run = std::make_shared<lookup_run>(lookup_run{lookup(target), false, 0, [](const lookup_run&) {}});
        start_lookup(run, {});
      }
    }
  }
};

node::node(asio::any_io_executor executor, node_options options)
    : impl_(std::make_shared<impl>(executor, std::move(options))) {}

node::~node() { stop(); }

status node::start() {
  auto& i = *impl_;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(i.options.bind_host, ec);
  if (ec || !addr.is_v4())
    return error{error_code::invalid_data, "dht: bind address " + i.options.bind_host + ": not an IPv4 address"};
  const udp::endpoint ep(addr, i.options.port);
  i.socket.open(udp::v4(), ec);
  if (!ec) i.socket.bind(ep, ec);
  if (ec) return error{error_code::io, "dht: cannot bind UDP " + i.options.bind_host + ":" +
                                           std::to_string(i.options.port) + ": " + ec.message()};
  if (i.options.restore) {
    const auto now = dht_clock::now();
    for (const auto& n : i.options.restore->nodes) i.table.heard_from(n, now, false);
  }
  spdlog::info("dht: node {} on UDP port {}{}", i.self.hex(), port(),
               i.options.restore ? " (restored with " + std::to_string(i.table.size()) + " nodes)" : "");
  asio::co_spawn(i.executor, i.receive_loop(), net::report_exception("dht receive"));
  asio::co_spawn(i.executor, i.tick_loop(), net::report_exception("dht timers"));
  asio::co_spawn(i.executor, i.bootstrap(), net::report_exception("dht bootstrap"));
  return ok();
}

void node::stop() {
  auto& i = *impl_;
  if (i.stopped) return;
  i.stopped = true;
  boost::system::error_code ec;
  i.socket.close(ec);
  i.tick_timer.cancel();
  i.pending.clear();  // handlers dropped uncalled
  i.torrents.clear();
  i.reporters.clear();
}

std::uint16_t node::port() const {
  boost::system::error_code ec;
  auto ep = impl_->socket.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

const node_id& node::id() const { return impl_->self; }

void node::track(const sha1_digest& info_hash, std::uint16_t peer_port, report_handler reported) {
  const auto& t = *impl_->torrents.insert(impl::tracked{info_hash}).first;
  t.peer_port = peer_port;
  t.next_run = {};
  if (reported)
    impl_->reporters.insert_or_assign(info_hash, std::move(reported));
  else
    impl_->reporters.erase(info_hash);
}

void node::untrack(const sha1_digest& info_hash) {
  impl_->torrents.erase(impl::tracked{info_hash});
  impl_->reporters.erase(info_hash);
}

void node::add_node(const peer_address& address) {
  if (impl_->stopped || address.v6 || address.port == 0) return;
  krpc_query q;
  q.method = query_method::ping;
  impl_->query(address, std::move(q), [](const krpc_message*) {});  // a reply adds it (on_reply)
}

node_state node::state() const {
  return {impl_->self, impl_->table.closest(impl_->self, max_saved_nodes, dht_clock::now())};
}

node_stats node::stats() const {
  auto s = impl_->counters;
  s.table_size = impl_->table.size();
  s.peers_stored = impl_->store.total();
  return s;
}

}  // namespace shoal::dht
