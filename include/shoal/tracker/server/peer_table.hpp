#pragma once
// The peers of one torrent, laid out for a million peers in tens of megabytes: IPv4 peers
// in one flat array of 28-byte records (peer id, address, port, last-seen), IPv6 peers in
// another of 40-byte records, each array in a single allocation behind a 16-byte header and
// sized close to the swarm; no per-peer heap node. Seeders come first and leechers after,
// so "leechers only" is a range. Small swarms are searched by a scan; past 32 records an
// index of positions (open addressing, 4 bytes a slot) follows the records in the same
// allocation, so an announce stays O(1) in a swarm of any size.
//
// Last-seen is 16 bits of seconds after a per-array base that expiry moves up to the
// oldest live peer, so it is exact while a torrent's oldest live peer is less than 18 hours
// older than its newest announce, i.e. for expiry windows up to 18 hours (the default is
// 45 minutes); a peer silent longer than that is kept as if seen 18 hours before the
// newest announce.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "shoal/tracker/protocol/announce_response.hpp"
#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker {

struct peer_block;  // one array's header; records (and index) follow it

// Where a peer sits, to leave it out of its own sample; index ~0u when nowhere.
struct peer_ref {
  bool v6 = false;
  std::uint32_t index = ~0u;
};

class peer_table {
 public:
  peer_table() = default;
  ~peer_table();
  peer_table(peer_table&& other) noexcept;
  peer_table& operator=(peer_table&& other) noexcept;
  peer_table(const peer_table&) = delete;
  peer_table& operator=(const peer_table&) = delete;

  bool empty() const { return v4_ == nullptr && v6_ == nullptr; }
  std::uint32_t size() const;
  std::uint32_t seeders() const;
  // Records allocated, both families: what the table costs, for tests.
  std::uint32_t capacity() const;
  // Bytes asked of malloc: headers, records and indexes.
  std::size_t heap_bytes() const;

  struct upsert_result {
    peer_ref self;
    bool inserted = false;  // false for a known peer, even one that changed family
  };
  // Adds the peer of `a` or updates its address, port, role and last-seen; a peer that
  // announces over the other IP family moves to that family's array. `key` seeds the
  // index's hash: the same for every call on one table.
  upsert_result upsert(const peer_announce& a, std::uint64_t key);
  bool erase(const peer_id_bytes& id, std::uint64_t key);
  // Removes peers last seen before `cutoff`, returning how many; releases capacity the
  // swarm no longer needs (all of it when the swarm is gone).
  std::size_t expire(std::uint32_t cutoff, std::uint64_t key);
  bool contains(const peer_id_bytes& id, std::uint64_t key) const;

  // Appends to `out` min(want, eligible) distinct peers other than `self`, leechers only
  // when `leechers_only`: a walk over both families from a random start with a random
  // stride coprime to their count, so no allocation and no repeats.
  void sample(std::uint64_t random, std::size_t want, peer_ref self, bool leechers_only,
              std::vector<swarm_peer>& out) const;

 private:
  peer_block* v4_ = nullptr;
  peer_block* v6_ = nullptr;
};

}  // namespace shoal::tracker
