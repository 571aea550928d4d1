#include "shoal/tracker/server/peer_table.hpp"

#include <cstring>

namespace shoal::tracker {

namespace {
std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
std::uint64_t rotl(std::uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }

// Peer ids start with a client prefix ("-lt2080-"), so mix every byte, not the first few.
std::uint64_t hash_id(const peer_id_bytes& id) {
  std::uint64_t x = load64(id.data()) ^ rotl(load64(id.data() + 8), 21) ^
                    rotl(load64(id.data() + 12), 42);
  x *= 0x9E3779B97F4A7C15ull;
  return x ^ (x >> 29);
}

constexpr std::uint32_t min_capacity = 4;
// Grow past 7/8 full; linear probing stays short at that load for these small tables.
bool too_full(std::uint32_t size, std::uint32_t capacity) {
  return std::uint64_t(size) * 8 > std::uint64_t(capacity) * 7;
}
}  // namespace

std::size_t peer_table::home(const peer_id_bytes& id) const {
  return hash_id(id) & (capacity_ - 1);
}

peer_slot* peer_table::find(const peer_id_bytes& id) {
  if (size_ == 0) return nullptr;
  for (std::size_t i = home(id);; i = (i + 1) & (capacity_ - 1)) {
    peer_slot& s = slots_[i];
    if (s.empty()) return nullptr;
    if (s.id == id) return &s;
  }
}

peer_slot* peer_table::find_or_insert(const peer_id_bytes& id, bool& inserted) {
  inserted = false;
  if (peer_slot* s = find(id)) return s;
  if (capacity_ == 0 || too_full(size_ + 1, capacity_)) {
    rehash(capacity_ == 0 ? min_capacity : capacity_ * 2);
  }
  std::size_t i = home(id);
  while (!slots_[i].empty()) i = (i + 1) & (capacity_ - 1);
  peer_slot& s = slots_[i];
  s = peer_slot{};
  s.id = id;
  ++size_;
  inserted = true;
  return &s;
}

void peer_table::set_seeder(peer_slot& s, bool seeder) {
  if (s.seeder() == seeder) return;
  if (seeder) {
    s.flags |= peer_slot::seeder_flag;
    ++seeders_;
  } else {
    s.flags &= static_cast<std::uint8_t>(~peer_slot::seeder_flag);
    --seeders_;
  }
}

bool peer_table::erase(const peer_id_bytes& id) {
  peer_slot* s = find(id);
  if (!s) return false;
  erase_at(static_cast<std::size_t>(s - slots_.get()));
  if (size_ == 0) {
    slots_.reset();
    capacity_ = 0;
  } else if (capacity_ > min_capacity && size_ * 4 < capacity_) {
    rehash(capacity_ / 2);
  }
  return true;
}

// Backward-shift deletion: pull later members of the probe run into the hole so lookups
// never need tombstones.
void peer_table::erase_at(std::size_t i) {
  if (slots_[i].seeder()) --seeders_;
  --size_;
  std::size_t mask = capacity_ - 1;
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & mask; !slots_[j].empty(); j = (j + 1) & mask) {
    std::size_t h = home(slots_[j].id);
    // Move j into the hole unless its home lies cyclically in (hole, j].
    bool home_after_hole = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
    if (!home_after_hole) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole].port = 0;
}

void peer_table::rehash(std::uint32_t new_capacity) {
  while (too_full(size_, new_capacity)) new_capacity *= 2;
  auto old = std::move(slots_);
  std::uint32_t old_capacity = capacity_;
  slots_ = std::make_unique<peer_slot[]>(new_capacity);  // value-initialised: all empty
  capacity_ = new_capacity;
  for (std::uint32_t k = 0; k < old_capacity; ++k) {
    if (old[k].empty()) continue;
    std::size_t i = home(old[k].id);
    while (!slots_[i].empty()) i = (i + 1) & (capacity_ - 1);
    slots_[i] = old[k];
  }
}

std::size_t peer_table::expire(std::uint32_t cutoff) {
  std::size_t removed = 0;
  for (std::uint32_t k = 0; k < capacity_; ++k) {
    peer_slot& s = slots_[k];
    if (s.empty() || s.last_seen >= cutoff) continue;
    if (s.seeder()) --seeders_;
    s.port = 0;
    --size_;
    ++removed;
  }
  if (removed == 0) return 0;
  if (size_ == 0) {
    slots_.reset();
    capacity_ = 0;
    return removed;
  }
  // Holes broke probe runs: rebuild, at the smallest size that fits.
  std::uint32_t fit = min_capacity;
  while (too_full(size_, fit)) fit *= 2;
  rehash(fit);
  return removed;
}

void peer_table::sample(std::uint64_t random, std::size_t want, const peer_slot* self,
                        bool leechers_only, std::vector<swarm_peer>& out) const {
  if (want == 0 || capacity_ == 0) return;
  std::size_t mask = capacity_ - 1;
  std::size_t i = random & mask;
  std::size_t stride = ((random >> 32) | 1) & mask;  // odd: visits every slot once
  if (stride == 0) stride = 1;
  std::size_t taken = 0;
  for (std::uint32_t step = 0; step < capacity_ && taken < want; ++step, i = (i + stride) & mask) {
    const peer_slot& s = slots_[i];
    if (s.empty() || &s == self || (leechers_only && s.seeder())) continue;
    swarm_peer& p = out.emplace_back();
    p.id = s.id;
    p.ip = s.ip;
    p.v6 = (s.flags & peer_slot::v6_flag) != 0;
    p.port = s.port;
    ++taken;
  }
}

}  // namespace shoal::tracker
