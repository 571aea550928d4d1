#pragma once
// The peers other nodes announced to us (announce_peer), per info-hash, handed out by get_peers. Bounded per
// torrent and in total; an entry expires 30 minutes after its last announce (BEP 5 leaves the time open;
// clients re-announce every 15 to 30 minutes).
#include <chrono>
#include <cstddef>
#include <random>
#include <unordered_map>
#include <vector>

#include "shoal/addr/peer_address.hpp"
#include "shoal/hash/sha1.hpp"

namespace shoal::dht {

struct peer_store_limits {
  std::size_t max_per_torrent = 200;
  std::size_t max_torrents = 2000;
  std::size_t max_total = 20000;
  std::chrono::minutes lifetime{30};
};

class peer_store {
 public:
  using clock = std::chrono::steady_clock;
  explicit peer_store(peer_store_limits limits = {}) : limits_(limits) {}

  // False when a bound refused it (a new torrent or peer beyond the limits); a known peer is refreshed.
  bool announce(const sha1_digest& info_hash, const peer_address& peer, clock::time_point now);
  // Up to `count` live peers of the torrent, a random choice when there are more.
  std::vector<peer_address> get(const sha1_digest& info_hash, std::size_t count, clock::time_point now,
                                std::mt19937_64& rng) const;
  void expire(clock::time_point now);

  std::size_t torrents() const { return peers_.size(); }
  std::size_t total() const { return total_; }

 private:
  struct entry {
    peer_address address;
    clock::time_point announced;
  };
  peer_store_limits limits_;
  std::unordered_map<sha1_digest, std::vector<entry>, sha1_digest_hash> peers_;
  std::size_t total_ = 0;
};

}  // namespace shoal::dht
