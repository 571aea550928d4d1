#include "shoal/dht/node.hpp"

#include "node_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"

namespace shoal::dht {

using namespace std::chrono_literals;

void node::impl::send(const peer_address& to, const std::string& packet) {
  if (stopped) return;
  boost::system::error_code ec;
  socket.send_to(asio::buffer(packet), to_endpoint(to), 0, ec);  // UDP: never blocks for long
  if (ec) spdlog::debug("dht: send to {}: {}", to.to_string(), ec.message());
}

void node::impl::query(const peer_address& to, krpc_query q, reply_handler done) {
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

void node::impl::reply(const peer_address& to, const std::string& transaction, krpc_response r) {
  krpc_message m;
  m.transaction = transaction;
  m.version = client_version;
  m.your_ip = to;
  r.id = self;
  m.body = std::move(r);
  send(to, encode_krpc(m));
}

void node::impl::reply_error(const peer_address& to, const std::string& transaction, std::int64_t code, std::string text) {
  krpc_message m;
  m.transaction = transaction;
  m.version = client_version;
  m.body = krpc_error{code, std::move(text)};
  send(to, encode_krpc(m));
}

asio::awaitable<void> node::impl::receive_loop() {
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

void node::impl::on_packet(const peer_address& from, std::string_view packet) {
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

void node::impl::on_reply(const peer_address& from, const krpc_message& m, dht_clock::time_point now) {
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

void node::impl::expire_pending(dht_clock::time_point now) {
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

asio::awaitable<void> node::impl::tick_loop() {
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
