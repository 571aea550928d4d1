// Answering other nodes' queries: ping, find_node, get_peers (with a token) and announce_peer (checked against it).
#include "node_impl.hpp"

namespace shoal::dht {

using namespace std::chrono_literals;

void node::impl::on_query(const peer_address& from, const krpc_message& m, dht_clock::time_point now) {
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

}  // namespace shoal::dht
