// The default swarm_store: torrents in hash maps split into locked shards, each
// torrent's peers in one flat peer_table.
#include <mutex>
#include <unordered_map>

#include "shoal/tracker/server/peer_table.hpp"
#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker {

namespace {

struct torrent {
  peer_table peers;
  std::uint32_t downloaded = 0;

  swarm_counts counts() const {
    return {peers.seeders(), peers.size() - peers.seeders(), downloaded};
  }
};

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

// Info-hashes come from clients: mix all 20 bytes with a per-store secret, so chosen
// hashes cannot pile into one bucket or shard.
struct seeded_hash {
  std::uint64_t seed = 0;
  std::uint64_t operator()(const sha1_digest& d) const noexcept {
    std::uint64_t a, b, c;
    __builtin_memcpy(&a, d.bytes.data(), 8);
    __builtin_memcpy(&b, d.bytes.data() + 8, 8);
    __builtin_memcpy(&c, d.bytes.data() + 12, 8);
    std::uint64_t x = (a ^ seed) * 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 31) ^ b) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 29) ^ c) * 0x94D049BB133111EBull;
    return x ^ (x >> 32);
  }
};

struct shard {
  explicit shard(seeded_hash h) : torrents(0, h) {}
  std::mutex mutex;
  std::unordered_map<sha1_digest, torrent, seeded_hash> torrents;
  fast_random random{1};
  std::uint64_t peers = 0;
  std::uint64_t seeders = 0;
};

class memory_swarm_store final : public swarm_store {
 public:
  memory_swarm_store(std::size_t shards, std::uint64_t seed) {
    std::size_t n = 1;
    while (n < shards) n *= 2;
    hash_.seed = seed ^ 0x6a09e667f3bcc909ull;
    shards_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      shards_.push_back(std::make_unique<shard>(hash_));
      shards_[i]->random.state = seed * 2654435761u + i + 1;
    }
    mask_ = n - 1;
  }

  swarm_counts announce(const peer_announce& a, std::size_t want,
                        std::vector<swarm_peer>& out) override {
    out.clear();
    shard& s = shard_of(a.info_hash);
    std::lock_guard lock(s.mutex);
    if (a.event == peer_event::stopped) return stop(s, a);
    torrent& t = s.torrents[a.info_hash];
    std::uint32_t seeders_before = t.peers.seeders();
    bool inserted = false;
    peer_slot* slot = t.peers.find_or_insert(a.peer_id, inserted);
    slot->ip = a.ip;
    slot->port = a.port;
    slot->flags = static_cast<std::uint8_t>((slot->flags & peer_slot::seeder_flag) |
                                            (a.v6 ? peer_slot::v6_flag : 0));
    slot->last_seen = a.now;
    if (inserted) ++s.peers;
    t.peers.set_seeder(*slot, a.seeder);
    s.seeders += t.peers.seeders();
    s.seeders -= seeders_before;
    if (a.event == peer_event::completed) ++t.downloaded;
    t.peers.sample(s.random.next(), want, slot, a.seeder, out);
    return t.counts();
  }

  swarm_counts scrape(const sha1_digest& info_hash) override {
    shard& s = shard_of(info_hash);
    std::lock_guard lock(s.mutex);
    auto it = s.torrents.find(info_hash);
    return it == s.torrents.end() ? swarm_counts{} : it->second.counts();
  }

  void scrape_all(std::vector<scrape_file>& out) override {
    for (std::size_t i = 0; i <= mask_; ++i) {
      std::lock_guard lock(shards_[i]->mutex);
      for (const auto& [hash, t] : shards_[i]->torrents) out.push_back({hash, t.counts()});
    }
  }

  std::size_t expire(std::uint32_t cutoff) override {
    std::size_t removed = 0;
    // One shard at a time, so announces to other shards go on meanwhile.
    for (std::size_t i = 0; i <= mask_; ++i) {
      shard& s = *shards_[i];
      std::lock_guard lock(s.mutex);
      for (auto it = s.torrents.begin(); it != s.torrents.end();) {
        std::uint32_t seeders_before = it->second.peers.seeders();
        std::size_t gone = it->second.peers.expire(cutoff);
        s.peers -= gone;
        s.seeders -= seeders_before - it->second.peers.seeders();
        removed += gone;
        it = it->second.peers.size() == 0 ? s.torrents.erase(it) : std::next(it);
      }
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
    // High bits pick the shard; the map's buckets use the low ones.
    return *shards_[(hash_(h) >> 48) & mask_];
  }

  swarm_counts stop(shard& s, const peer_announce& a) {
    auto it = s.torrents.find(a.info_hash);
    if (it == s.torrents.end()) return {};
    torrent& t = it->second;
    std::uint32_t seeders_before = t.peers.seeders();
    if (t.peers.erase(a.peer_id)) {
      --s.peers;
      s.seeders -= seeders_before - t.peers.seeders();
    }
    swarm_counts c = t.counts();
    if (t.peers.size() == 0) s.torrents.erase(it);
    return c;
  }

  seeded_hash hash_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::size_t mask_ = 0;
};

}  // namespace

std::unique_ptr<swarm_store> make_memory_swarm_store(std::size_t shards, std::uint64_t seed) {
  return std::make_unique<memory_swarm_store>(shards, seed);
}

}  // namespace shoal::tracker
