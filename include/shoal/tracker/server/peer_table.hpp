#pragma once
// The peers of one torrent: an open-addressing hash table (linear probing, backward-shift
// deletion) of fixed 44-byte slots keyed by peer id, in one allocation per torrent, so a
// million peers cost tens of megabytes and no per-peer heap node.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "shoal/tracker/protocol/announce_response.hpp"

namespace shoal::tracker {

struct peer_slot {
  peer_id_bytes id;
  ip_bytes ip;
  std::uint16_t port;  // 0 marks an empty slot (announces never carry port 0)
  std::uint8_t flags;
  std::uint8_t reserved;
  std::uint32_t last_seen;

  static constexpr std::uint8_t seeder_flag = 1;
  static constexpr std::uint8_t v6_flag = 2;
  bool empty() const { return port == 0; }
  bool seeder() const { return (flags & seeder_flag) != 0; }
};
static_assert(sizeof(peer_slot) == 44);

class peer_table {
 public:
  std::uint32_t size() const { return size_; }
  std::uint32_t seeders() const { return seeders_; }
  std::uint32_t capacity() const { return capacity_; }

  peer_slot* find(const peer_id_bytes& id);
  // The slot for `id`, inserting an empty-flagged one (port 0 until the caller sets it,
  // and set it the caller must) when absent; `inserted` tells which.
  peer_slot* find_or_insert(const peer_id_bytes& id, bool& inserted);
  bool erase(const peer_id_bytes& id);
  // Keeps seeder count right when a slot's flags change.
  void set_seeder(peer_slot& s, bool seeder);
  // Removes slots last seen before `cutoff`; returns how many, shrinking the table.
  std::size_t expire(std::uint32_t cutoff);

  // Appends to `out` up to `want` occupied slots other than `self`, leechers only when
  // `leechers_only`, walking from a random start with a random odd stride.
  void sample(std::uint64_t random, std::size_t want, const peer_slot* self,
              bool leechers_only, std::vector<swarm_peer>& out) const;

 private:
  std::size_t home(const peer_id_bytes& id) const;
  void rehash(std::uint32_t new_capacity);
  void erase_at(std::size_t i);

  std::unique_ptr<peer_slot[]> slots_;
  std::uint32_t capacity_ = 0;  // 0 or a power of two
  std::uint32_t size_ = 0;
  std::uint32_t seeders_ = 0;
};

}  // namespace shoal::tracker
