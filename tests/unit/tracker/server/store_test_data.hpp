#pragma once
// Torrents, peers and announces for the store tests, numbered so a test reads as a script.
#include <algorithm>
#include <string>

#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker::testing {

inline sha1_digest torrent_hash(int n) {
  sha1_digest d;
  d.bytes.fill(static_cast<std::uint8_t>(n));
  d.bytes[5] = static_cast<std::uint8_t>(n >> 8);
  d.bytes[10] = static_cast<std::uint8_t>(n * 7);
  return d;
}

inline peer_id_bytes peer(int n) {
  peer_id_bytes id{};
  std::string s = "-SH0100-" + std::to_string(1000000 + n);
  std::copy(s.begin(), s.end(), id.begin());
  return id;
}

// Peer `p` of torrent `torrent` on 127.0.0.(p % 250 + 1), port 6000 + p.
inline peer_announce announce_of(int torrent, int p, bool seeder, std::uint32_t now = 100,
                                 announce_event ev = announce_event::none) {
  peer_announce a;
  a.info_hash = torrent_hash(torrent);
  a.peer_id = peer(p);
  a.ip = {127, 0, 0, static_cast<std::uint8_t>(p % 250 + 1)};
  a.port = static_cast<std::uint16_t>(6000 + p);
  a.seeder = seeder;
  a.event = ev;
  a.now = now;
  return a;
}

}  // namespace shoal::tracker::testing
