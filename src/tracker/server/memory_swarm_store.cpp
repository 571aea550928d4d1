// The default swarm_store: torrents in open-addressing tables split into locked shards by
// info-hash, each torrent a 40-byte slot (info-hash, completed count, peer_table) in its
// shard's one array, its peers in its peer_table's flat arrays.
#include <memory>
#include <mutex>

#include "shoal/tracker/server/keyed_hash.hpp"
#include "shoal/tracker/server/peer_table.hpp"
#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker {

namespace {

struct torrent {
  sha1_digest info_hash;
  std::uint32_t downloaded = 0;
  peer_table peers;  // empty marks a free slot: a torrent lives while it has peers

  swarm_counts counts() const {
    return {peers.seeders(), peers.size() - peers.seeders(), downloaded};
  }
};
static_assert(sizeof(torrent) == 40);

// xorshift64*: sampling needs speed, not cryptographic strength.
struct fast_random {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
};

// One shard's torrents: linear probing, backward-shift deletion, at most 4/5 full, and
// no allocation at all once empty.
class torrent_table {
 public:
  explicit torrent_table(std::uint64_t key) : key_(key) {}

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }

  torrent* find(const sha1_digest& h) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(h);; i = next(i)) {
      torrent& t = slots_[i];
      if (t.peers.empty()) return nullptr;
      if (t.info_hash == h) return &t;
    }
  }

  // The torrent for `h`; a new one has no peers, and the caller gives it one (or calls
  // erase) before anything else looks at the table.
  torrent& find_or_insert(const sha1_digest& h) {
    if (torrent* t = find(h)) return *t;
    if ((size_ + 1) * 5 > capacity_ * 4) rehash(capacity_ == 0 ? 8 : capacity_ * 2);
    std::size_t i = home(h);
    while (!slots_[i].peers.empty()) i = next(i);
    slots_[i].info_hash = h;
    slots_[i].downloaded = 0;
    ++size_;
    return slots_[i];
  }

  // Removes `t` (found in this table), shrinking the table when it got sparse.
  void erase(torrent& t) {
    erase_at(static_cast<std::size_t>(&t - slots_.get()));
    fit();
  }

  // Calls f(torrent&) on every torrent; erases those it leaves without peers.
  template <class F>
  void sweep(F f) {
    for (std::size_t i = 0; i < capacity_;) {
      torrent& t = slots_[i];
      if (t.peers.empty()) {
        ++i;
        continue;
      }
      f(t);
      // Backward shift pulls a later torrent into i: look at i again. One from the
      // table's start may move to its end and be seen twice, which f tolerates.
      if (t.peers.empty()) {
        erase_at(i);
      } else {
        ++i;
      }
    }
    fit();
  }

  template <class F>
  void for_each(F f) const {
    for (std::size_t i = 0; i < capacity_; ++i) {
      if (!slots_[i].peers.empty()) f(slots_[i]);
    }
  }

 private:
  std::size_t home(const sha1_digest& h) const {
    return keyed_hash20(h.bytes.data(), key_) & (capacity_ - 1);
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (capacity_ - 1); }

  void erase_at(std::size_t i) {
    --size_;
    std::size_t hole = i;
    slots_[hole].peers = peer_table{};
    for (std::size_t j = next(i); !slots_[j].peers.empty(); j = next(j)) {
      std::size_t h = home(slots_[j].info_hash);
      bool home_after_hole = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
      if (!home_after_hole) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
  }

  // After removals: the smallest table that holds the torrents at most 2/5 full, none
  // when there are none, so memory follows the swarm down.
  void fit() {
    if (size_ == 0) {
      slots_.reset();
      capacity_ = 0;
    } else if (capacity_ > 8 && size_ * 5 < capacity_ * 2) {
      std::size_t c = 8;
      while (size_ * 5 > c * 2) c *= 2;
      if (c < capacity_) rehash(c);
    }
  }

  void rehash(std::size_t capacity) {
    auto old = std::move(slots_);
    std::size_t old_capacity = capacity_;
    slots_ = std::make_unique<torrent[]>(capacity);
    capacity_ = capacity;
    for (std::size_t k = 0; k < old_capacity; ++k) {
      if (old[k].peers.empty()) continue;
      std::size_t i = home(old[k].info_hash);
      while (!slots_[i].peers.empty()) i = next(i);
      slots_[i] = std::move(old[k]);
    }
  }

  std::unique_ptr<torrent[]> slots_;
  std::size_t capacity_ = 0;  // 0 or a power of two
  std::size_t size_ = 0;
  std::uint64_t key_;
};

struct shard {
  explicit shard(std::uint64_t key) : torrents(key) {}
  std::mutex mutex;
  torrent_table torrents;
  fast_random random{1};
  std::uint64_t peers = 0;
  std::uint64_t seeders = 0;
};

class memory_swarm_store final : public swarm_store {
 public:
  memory_swarm_store(std::size_t shards, std::uint64_t seed)
      : torrent_key_(seed ^ 0x6a09e667f3bcc909ull), peer_key_(seed ^ 0xbb67ae8584caa73bull) {
    std::size_t n = 1;
    while (n < shards) n *= 2;
    shards_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      shards_.push_back(std::make_unique<shard>(torrent_key_));
      shards_[i]->random.state = seed * 2654435761u + i + 1;
    }
    mask_ = n - 1;
  }

  swarm_counts announce(const peer_announce& a, std::size_t want,
                        std::vector<swarm_peer>& out) override {
    out.clear();
    shard& s = shard_of(a.info_hash);
    std::lock_guard lock(s.mutex);
    if (a.event == announce_event::stopped) return stop(s, a);
    torrent& t = s.torrents.find_or_insert(a.info_hash);
    std::uint32_t seeders_before = t.peers.seeders();
    peer_table::upsert_result r;
    try {
      r = t.peers.upsert(a, peer_key_);
    } catch (...) {
      if (t.peers.empty()) s.torrents.erase(t);  // a torrent only lives with peers
      throw;
    }
    if (r.inserted) ++s.peers;
    s.seeders += t.peers.seeders();
    s.seeders -= seeders_before;
    if (a.event == announce_event::completed) ++t.downloaded;
    t.peers.sample(s.random.next(), want, r.self, a.seeder, out);
    return t.counts();
  }

  swarm_counts scrape(const sha1_digest& info_hash) override {
    shard& s = shard_of(info_hash);
    std::lock_guard lock(s.mutex);
    torrent* t = s.torrents.find(info_hash);
    return t ? t->counts() : swarm_counts{};
  }

  void scrape_all(std::vector<scrape_file>& out) override {
    for (std::size_t i = 0; i <= mask_; ++i) {
      std::lock_guard lock(shards_[i]->mutex);
      shards_[i]->torrents.for_each(
          [&](const torrent& t) { out.push_back({t.info_hash, t.counts()}); });
    }
  }

  std::size_t expire(std::uint32_t cutoff) override {
    std::size_t removed = 0;
    // One shard at a time, so announces to other shards go on meanwhile; a torrent with
    // nobody due costs one look at each of its arrays' headers.
    for (std::size_t i = 0; i <= mask_; ++i) {
      shard& s = *shards_[i];
      std::lock_guard lock(s.mutex);
      s.torrents.sweep([&](torrent& t) {
        std::uint32_t seeders_before = t.peers.seeders();
        std::size_t gone = t.peers.expire(cutoff, peer_key_);
        s.peers -= gone;
        s.seeders -= seeders_before - t.peers.seeders();
        removed += gone;
      });
    }
    return removed;
  }

  store_totals totals() override {
    store_totals t;
    for (std::size_t i = 0; i <= mask_; ++i) {
      std::lock_guard lock(shards_[i]->mutex);
      t.torrents += shards_[i]->torrents.size();
      t.peers += shards_[i]->peers;
      t.seeders += shards_[i]->seeders;
    }
    return t;
  }

 private:
  shard& shard_of(const sha1_digest& h) {
    // High bits pick the shard; the shard's table uses the low ones.
    return *shards_[(keyed_hash20(h.bytes.data(), torrent_key_) >> 48) & mask_];
  }

  swarm_counts stop(shard& s, const peer_announce& a) {
    torrent* t = s.torrents.find(a.info_hash);
    if (t == nullptr) return {};
    std::uint32_t seeders_before = t->peers.seeders();
    if (t->peers.erase(a.peer_id, peer_key_)) {
      --s.peers;
      s.seeders -= seeders_before - t->peers.seeders();
    }
    swarm_counts c = t->counts();
    if (t->peers.empty()) s.torrents.erase(*t);
    return c;
  }

  std::uint64_t torrent_key_;
  std::uint64_t peer_key_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::size_t mask_ = 0;
};

}  // namespace

std::unique_ptr<swarm_store> make_memory_swarm_store(std::size_t shards, std::uint64_t seed) {
  return std::make_unique<memory_swarm_store>(shards, seed);
}

}  // namespace shoal::tracker
