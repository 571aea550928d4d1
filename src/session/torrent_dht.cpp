// A torrent's side of the DHT (BEP 5): the peers lookups find, and the port message that tells peers where our
// node listens and tells us where theirs does. Private torrents (BEP 27) take no part.
#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"

namespace shoal::session {

void torrent::add_dht_peers(const std::vector<peer_address>& peers) {
  if (meta_->is_private) return;  // a lookup in flight when the metadata said private
  spdlog::debug("{}: {} peers from the DHT", meta_->name.empty() ? info_hash().hex() : meta_->name, peers.size());
  add_candidates(peers, from_dht);
}

std::uint16_t torrent::dht_port() const {
  if (meta_->is_private || !link_->dht_port) return 0;
  return link_->dht_port();
}

// The node is added once per connection: a peer repeating its port message (or cycling ports) costs one ping at
// most. It is pinged first (dht::node::add_node) and enters the routing table only when it answers.
void torrent::on_dht_port(peer::peer_connection& c, std::uint16_t port) {
  if (port == 0 || c.dht_port != 0 || dht_port() == 0 || !link_->dht_add_node) return;
  auto node = peer_address::parse(c.name());
  if (!node) return;
  c.dht_port = port;
  node->port = port;
  spdlog::debug("{}: peer {} runs a DHT node on UDP port {}", meta_->name, c.name(), port);
  link_->dht_add_node(*node);
}

}  // namespace shoal::session
