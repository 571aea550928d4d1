#include <spdlog/spdlog.h>

#include "shoal/session/torrent.hpp"

namespace shoal::session {

void torrent::add_dht_peers(const std::vector<peer_address>& peers) {
  spdlog::debug("{}: {} peers from the DHT", meta_.name.empty() ? info_hash().hex() : meta_.name, peers.size());
  add_candidates(peers);
}

}  // namespace shoal::session
