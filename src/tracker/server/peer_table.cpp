#include "shoal/tracker/server/peer_table.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <new>
#include <numeric>
#include <utility>

#include "shoal/tracker/server/keyed_hash.hpp"

namespace shoal::tracker {

struct peer_block {
  std::uint32_t size;
  std::uint32_t capacity;
  std::uint32_t seeders;  // records [0, seeders) are seeders, the rest leechers
  std::uint32_t base;     // records' last-seen counts seconds from here
};
static_assert(sizeof(peer_block) == 16);

namespace {

template <std::size_t AddressBytes>
struct peer_record {
  peer_id_bytes id;
  std::array<std::uint8_t, AddressBytes> ip;
  std::uint16_t port;
  std::uint16_t seen;  // seconds after the block's base
};
static_assert(sizeof(peer_record<4>) == 28);
static_assert(sizeof(peer_record<16>) == 40);

constexpr std::uint32_t scan_limit = 32;  // larger capacities carry an index
constexpr std::uint32_t max_seen = 0xffff;
constexpr std::uint32_t nowhere = ~0u;

bool same_id(const peer_id_bytes& a, const peer_id_bytes& b) {
  // Ids of one client share their first bytes: compare the tail first.
  std::uint64_t x, y;
  std::memcpy(&x, a.data() + 12, 8);
  std::memcpy(&y, b.data() + 12, 8);
  return x == y && std::memcmp(a.data(), b.data(), 12) == 0;
}

// Growth by a quarter (at least two records) keeps appends amortised O(1) while a ten-peer
// swarm ends with no more than two spare records.
std::uint32_t grown(std::uint32_t capacity) {
  return capacity < 2 ? capacity + 1 : capacity + std::max<std::uint32_t>(2, capacity / 4);
}

// Positions [first, last) of one family's array.
struct range {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  std::uint32_t size() const { return last - first; }
};

// One family's array: a peer_block header, `capacity` records, then (past scan_limit) an
// index of positions + 1 (0 is a free slot) at most 3/4 full, probed linearly.
template <std::size_t AddressBytes>
struct family {
  using record = peer_record<AddressBytes>;

  static record* records(peer_block* b) { return reinterpret_cast<record*>(b + 1); }
  static const record* records(const peer_block* b) {
    return reinterpret_cast<const record*>(b + 1);
  }
  static std::uint32_t index_slots(std::uint32_t capacity) {
    if (capacity <= scan_limit) return 0;
    std::uint32_t n = 64;
    while (n < capacity + capacity / 3) n *= 2;
    return n;
  }
  static std::uint32_t* index(peer_block* b) {
    return reinterpret_cast<std::uint32_t*>(records(b) + b->capacity);
  }
  static const std::uint32_t* index(const peer_block* b) {
    return reinterpret_cast<const std::uint32_t*>(records(b) + b->capacity);
  }
  static std::size_t bytes_for(std::uint32_t capacity) {
    return sizeof(peer_block) + std::size_t(capacity) * sizeof(record) +
           std::size_t(index_slots(capacity)) * sizeof(std::uint32_t);
  }
  static std::size_t home(const peer_block* b, const peer_id_bytes& id, std::uint64_t key) {
    return keyed_hash20(id.data(), key) & (index_slots(b->capacity) - 1);
  }

  // Position of `id`, or `nowhere`.
  static std::uint32_t find(const peer_block* b, const peer_id_bytes& id, std::uint64_t key) {
    if (b == nullptr) return nowhere;
    const record* r = records(b);
    std::uint32_t slots = index_slots(b->capacity);
    if (slots == 0) {
      for (std::uint32_t i = 0; i < b->size; ++i) {
        if (same_id(r[i].id, id)) return i;
      }
      return nowhere;
    }
    const std::uint32_t* ix = index(b);
    for (std::size_t s = home(b, id, key);; s = (s + 1) & (slots - 1)) {
      if (ix[s] == 0) return nowhere;
      if (same_id(r[ix[s] - 1].id, id)) return ix[s] - 1;
    }
  }

  // The index slot that holds position `pos`.
  static std::size_t slot_of(peer_block* b, std::uint32_t pos, std::uint64_t key) {
    std::size_t mask = index_slots(b->capacity) - 1;
    const std::uint32_t* ix = index(b);
    std::size_t s = home(b, records(b)[pos].id, key);
    while (ix[s] != pos + 1) s = (s + 1) & mask;
    return s;
  }

  static void index_insert(peer_block* b, std::uint32_t pos, std::uint64_t key) {
    std::size_t mask = index_slots(b->capacity) - 1;
    std::uint32_t* ix = index(b);
    std::size_t s = home(b, records(b)[pos].id, key);
    while (ix[s] != 0) s = (s + 1) & mask;
    ix[s] = pos + 1;
  }

  // Backward-shift deletion: later members of the probe run move into the hole, so
  // lookups need no tombstones.
  static void index_erase(peer_block* b, std::size_t slot, std::uint64_t key) {
    std::size_t mask = index_slots(b->capacity) - 1;
    std::uint32_t* ix = index(b);
    std::size_t hole = slot;
    for (std::size_t j = (slot + 1) & mask; ix[j] != 0; j = (j + 1) & mask) {
      std::size_t h = home(b, records(b)[ix[j] - 1].id, key);
      bool home_after_hole = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
      if (!home_after_hole) {
        ix[hole] = ix[j];
        hole = j;
      }
    }
    ix[hole] = 0;
  }

  static void index_rebuild(peer_block* b, std::uint64_t key) {
    std::uint32_t slots = index_slots(b->capacity);
    if (slots == 0) return;
    std::memset(index(b), 0, std::size_t(slots) * sizeof(std::uint32_t));
    for (std::uint32_t i = 0; i < b->size; ++i) index_insert(b, i, key);
  }

  // Reallocates to `capacity` (>= size); 0 frees.
  static void resize(peer_block*& b, std::uint32_t capacity, std::uint64_t key) {
    if (capacity == 0) {
      std::free(b);
      b = nullptr;
      return;
    }
    void* p = std::realloc(b, bytes_for(capacity));
    if (p == nullptr) throw std::bad_alloc();
    bool fresh = b == nullptr;
    b = static_cast<peer_block*>(p);
    if (fresh) *b = peer_block{0, 0, 0, 0};
    b->capacity = capacity;
    index_rebuild(b, key);
  }

  // Moves every last-seen to count from `base`, clamping what no longer fits.
  static void rebase(peer_block* b, std::uint32_t base) {
    record* r = records(b);
    for (std::uint32_t i = 0; i < b->size; ++i) {
      std::int64_t at = std::int64_t(b->base) + r[i].seen - base;
      r[i].seen = static_cast<std::uint16_t>(std::clamp<std::int64_t>(at, 0, max_seen));
    }
    b->base = base;
  }

  // `now` as a last-seen value, moving the base when `now` falls outside its 16 bits.
  static std::uint16_t stamp(peer_block* b, std::uint32_t now) {
    if (now < b->base) {
      rebase(b, now);
    } else if (now - b->base > max_seen) {
      std::uint16_t oldest = max_seen;
      for (std::uint32_t i = 0; i < b->size; ++i) oldest = std::min(oldest, records(b)[i].seen);
      rebase(b, std::max(b->base + oldest, now - max_seen));
    }
    return static_cast<std::uint16_t>(now - b->base);
  }

  static void move_record(peer_block* b, std::uint32_t from, std::uint32_t to,
                          std::uint64_t key) {
    if (from == to) return;
    if (index_slots(b->capacity) != 0) index(b)[slot_of(b, from, key)] = to + 1;
    records(b)[to] = records(b)[from];
  }

  static void swap_records(peer_block* b, std::uint32_t i, std::uint32_t j, std::uint64_t key) {
    if (i == j) return;
    if (index_slots(b->capacity) != 0) {
      std::size_t si = slot_of(b, i, key);
      std::size_t sj = slot_of(b, j, key);
      index(b)[si] = j + 1;
      index(b)[sj] = i + 1;
    }
    std::swap(records(b)[i], records(b)[j]);
  }

  // Moves the record at `pos` across the seeder/leecher boundary if its role changed;
  // returns where it is now.
  static std::uint32_t set_role(peer_block* b, std::uint32_t pos, bool seeder,
                                std::uint64_t key) {
    if ((pos < b->seeders) == seeder) return pos;
    if (seeder) {
      std::uint32_t first_leecher = b->seeders++;
      swap_records(b, pos, first_leecher, key);
      return first_leecher;
    }
    std::uint32_t last_seeder = --b->seeders;
    swap_records(b, pos, last_seeder, key);
    return last_seeder;
  }

  static void fill(record& r, const peer_announce& a) {
    std::memcpy(r.ip.data(), a.ip.data(), AddressBytes);
    r.port = a.port;
  }

  static std::uint32_t insert(peer_block*& b, const peer_announce& a, std::uint64_t key) {
    if (b == nullptr || b->size == b->capacity) {
      resize(b, grown(b == nullptr ? 0 : b->capacity), key);
      if (b->size == 0) b->base = a.now;
    }
    std::uint32_t pos = b->size;
    record& r = records(b)[pos];
    r.id = a.peer_id;
    fill(r, a);
    r.seen = stamp(b, a.now);  // may rebase the others, never this one (not yet counted)
    ++b->size;
    if (index_slots(b->capacity) != 0) index_insert(b, pos, key);
    return set_role(b, pos, a.seeder, key);
  }

  static std::uint32_t update(peer_block* b, std::uint32_t pos, const peer_announce& a,
                              std::uint64_t key) {
    fill(records(b)[pos], a);
    records(b)[pos].seen = stamp(b, a.now);
    return set_role(b, pos, a.seeder, key);
  }

  static void erase_at(peer_block*& b, std::uint32_t pos, std::uint64_t key) {
    if (index_slots(b->capacity) != 0) index_erase(b, slot_of(b, pos, key), key);
    // Keep seeders first: the last seeder fills a seeder's hole, the last record its place.
    if (pos < b->seeders) {
      std::uint32_t last_seeder = --b->seeders;
      move_record(b, last_seeder, pos, key);
      pos = last_seeder;
    }
    move_record(b, b->size - 1, pos, key);
    --b->size;
    if (b->size == 0) {
      resize(b, 0, key);
    } else if (b->size * 2 <= b->capacity && grown(b->size) < b->capacity) {
      resize(b, grown(b->size), key);  // half empty: keep a quarter's room, not the past
    }
  }

  static bool erase(peer_block*& b, const peer_id_bytes& id, std::uint64_t key) {
    std::uint32_t pos = find(b, id, key);
    if (pos == nowhere) return false;
    erase_at(b, pos, key);
    return true;
  }

  static std::size_t expire(peer_block*& b, std::uint32_t cutoff, std::uint64_t key) {
    // Every record was seen at or after the base: most sweeps end at the header.
    if (b == nullptr || cutoff <= b->base) return 0;
    std::uint64_t keep_from = cutoff - b->base;  // may exceed 16 bits: then none stays
    record* r = records(b);
    std::uint32_t kept = 0;
    std::uint32_t seeders = 0;
    std::uint16_t oldest = max_seen;
    for (std::uint32_t i = 0; i < b->size; ++i) {
      if (r[i].seen < keep_from) continue;
      oldest = std::min(oldest, r[i].seen);
      if (kept != i) r[kept] = r[i];
      ++kept;
      if (i < b->seeders) seeders = kept;  // the order of seeders then leechers holds
    }
    std::size_t removed = b->size - kept;
    if (kept == 0) {
      resize(b, 0, key);
      return removed;
    }
    b->size = kept;
    b->seeders = seeders;
    if (removed == 0) return 0;
    rebase(b, b->base + oldest);  // the most headroom for the 16-bit last-seen
    if (kept * 4 <= b->capacity * 3) {
      resize(b, kept, key);  // exact: a swarm that shrank a lot stops paying for its past
    } else {
      index_rebuild(b, key);
    }
    return removed;
  }

  static range eligible(const peer_block* b, bool leechers_only) {
    if (b == nullptr) return {};
    return {leechers_only ? b->seeders : 0, b->size};
  }

  static void emit(const peer_block* b, std::uint32_t pos, std::vector<swarm_peer>& out) {
    const record& r = records(b)[pos];
    swarm_peer& p = out.emplace_back();
    p.id = r.id;
    std::memcpy(p.ip.data(), r.ip.data(), AddressBytes);
    p.v6 = AddressBytes == 16;
    p.port = r.port;
  }
};

using v4_family = family<4>;
using v6_family = family<16>;

// A step in [1, n) sharing no factor with n, so n steps visit every position once.
std::uint32_t coprime_stride(std::uint32_t random, std::uint32_t n) {
  if (n <= 2) return 1;
  std::uint32_t s = 1 + random % (n - 1);
  while (std::gcd(s, n) != 1) s = s % (n - 1) + 1;
  return s;
}

template <class Mine, class Other>
peer_table::upsert_result upsert_in(peer_block*& mine, peer_block*& other,
                                    const peer_announce& a, std::uint64_t key) {
  peer_table::upsert_result result;
  result.self.v6 = a.v6;
  std::uint32_t pos = Mine::find(mine, a.peer_id, key);
  if (pos != nowhere) {
    result.self.index = Mine::update(mine, pos, a, key);
    return result;
  }
  result.self.index = Mine::insert(mine, a, key);
  // Insert first, so a failed allocation loses nothing.
  result.inserted = !Other::erase(other, a.peer_id, key);
  return result;
}

}  // namespace

peer_table::~peer_table() {
  std::free(v4_);
  std::free(v6_);
}

peer_table::peer_table(peer_table&& other) noexcept
    : v4_(std::exchange(other.v4_, nullptr)), v6_(std::exchange(other.v6_, nullptr)) {}

peer_table& peer_table::operator=(peer_table&& other) noexcept {
  if (this != &other) {
    std::free(v4_);
    std::free(v6_);
    v4_ = std::exchange(other.v4_, nullptr);
    v6_ = std::exchange(other.v6_, nullptr);
  }
  return *this;
}

std::uint32_t peer_table::size() const {
  return (v4_ ? v4_->size : 0) + (v6_ ? v6_->size : 0);
}

std::uint32_t peer_table::seeders() const {
  return (v4_ ? v4_->seeders : 0) + (v6_ ? v6_->seeders : 0);
}

std::uint32_t peer_table::capacity() const {
  return (v4_ ? v4_->capacity : 0) + (v6_ ? v6_->capacity : 0);
}

std::size_t peer_table::heap_bytes() const {
  return (v4_ ? v4_family::bytes_for(v4_->capacity) : 0) +
         (v6_ ? v6_family::bytes_for(v6_->capacity) : 0);
}

peer_table::upsert_result peer_table::upsert(const peer_announce& a, std::uint64_t key) {
  return a.v6 ? upsert_in<v6_family, v4_family>(v6_, v4_, a, key)
              : upsert_in<v4_family, v6_family>(v4_, v6_, a, key);
}

bool peer_table::erase(const peer_id_bytes& id, std::uint64_t key) {
  return v4_family::erase(v4_, id, key) || v6_family::erase(v6_, id, key);
}

bool peer_table::contains(const peer_id_bytes& id, std::uint64_t key) const {
  return v4_family::find(v4_, id, key) != nowhere || v6_family::find(v6_, id, key) != nowhere;
}

std::size_t peer_table::expire(std::uint32_t cutoff, std::uint64_t key) {
  return v4_family::expire(v4_, cutoff, key) + v6_family::expire(v6_, cutoff, key);
}

void peer_table::sample(std::uint64_t random, std::size_t want, peer_ref self,
                        bool leechers_only, std::vector<swarm_peer>& out) const {
  auto r4 = v4_family::eligible(v4_, leechers_only);
  auto r6 = v6_family::eligible(v6_, leechers_only);
  // Positions [0, n4) are the eligible IPv4 records, [n4, n) the IPv6 ones.
  std::uint32_t n4 = r4.size();
  std::uint32_t n = n4 + r6.size();
  std::uint32_t skip = nowhere;
  const auto& own = self.v6 ? r6 : r4;
  if (self.index >= own.first && self.index < own.last) {
    skip = (self.v6 ? n4 : 0) + self.index - own.first;
  }
  std::size_t take = std::min<std::size_t>(want, n - (skip != nowhere ? 1 : 0));
  if (take == 0) return;
  std::uint32_t at = static_cast<std::uint32_t>(random % n);
  std::uint32_t stride = coprime_stride(static_cast<std::uint32_t>(random >> 32), n);
  for (std::size_t taken = 0; taken < take; at = (at + stride >= n) ? at + stride - n : at + stride) {
    if (at == skip) continue;
    if (at < n4) {
      v4_family::emit(v4_, r4.first + at, out);
    } else {
      v6_family::emit(v6_, r6.first + at - n4, out);
    }
    ++taken;
  }
}

}  // namespace shoal::tracker
