#pragma once
// Where swarm state lives. The tracker talks only to this interface, so a shared store
// can later let several tracker processes serve one swarm; the default is in memory.
// Times are whole seconds on a clock of the caller's choosing (the server uses seconds
// since it started), which keeps the store testable without sleeping.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "shoal/tracker/protocol/announce_response.hpp"

namespace shoal::tracker {

struct peer_announce {
  sha1_digest info_hash;
  peer_id_bytes peer_id{};
  ip_bytes ip{};
  bool v6 = false;
  std::uint16_t port = 0;
  bool seeder = false;  // left == 0
  announce_event event = announce_event::none;
  std::uint32_t now = 0;
};

struct store_totals {
  std::uint64_t torrents = 0;
  std::uint64_t peers = 0;
  std::uint64_t seeders = 0;
};

class swarm_store {
 public:
  virtual ~swarm_store() = default;

  // Records the announce (stopped removes the peer; completed counts a download) and
  // fills `out` (cleared first) with at most `want` other peers: a random sample, never
  // the announcing peer, only leechers when the announcer is a seeder. Returns the
  // torrent's counts after the announce.
  virtual swarm_counts announce(const peer_announce& a, std::size_t want,
                                std::vector<swarm_peer>& out) = 0;
  // Counts of one torrent; zeros for a torrent nobody announced.
  virtual swarm_counts scrape(const sha1_digest& info_hash) = 0;
  // Appends every torrent with at least one peer.
  virtual void scrape_all(std::vector<scrape_file>& out) = 0;
  // Removes peers last seen before `cutoff`, and torrents left without peers; returns
  // the number of peers removed.
  virtual std::size_t expire(std::uint32_t cutoff) = 0;
  virtual store_totals totals() = 0;
};

// In-memory store, split into `shards` independently locked parts (rounded up to a power
// of two) so several server threads rarely wait for each other. `seed` seeds sampling.
std::unique_ptr<swarm_store> make_memory_swarm_store(std::size_t shards = 16,
                                                     std::uint64_t seed = 0x5eed);

}  // namespace shoal::tracker
