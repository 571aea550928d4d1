#include "shoal/dht/peer_store.hpp"

#include <algorithm>

namespace shoal::dht {

bool peer_store::announce(const sha1_digest& info_hash, const peer_address& peer, clock::time_point now) {
  auto it = peers_.find(info_hash);
  if (it == peers_.end()) {
    if (peers_.size() >= limits_.max_torrents || total_ >= limits_.max_total) return false;
    it = peers_.emplace(info_hash, std::vector<entry>{}).first;
  }
  auto& list = it->second;
  for (auto& e : list) {
    if (e.address == peer) {
      e.announced = now;
      return true;
    }
  }
  if (list.size() >= limits_.max_per_torrent || total_ >= limits_.max_total) {
    // Full: an expired entry may make room; otherwise the newcomer is refused (the oldest honest peers
    // stay, a flood of new addresses cannot push them out).
    auto old = std::find_if(list.begin(), list.end(),
                            [&](const entry& e) { return now - e.announced >= limits_.lifetime; });
    if (old == list.end()) return false;
    *old = {peer, now};
    return true;
  }
  list.push_back({peer, now});
  ++total_;
  return true;
}

std::vector<peer_address> peer_store::get(const sha1_digest& info_hash, std::size_t count,
                                          clock::time_point now, std::mt19937_64& rng) const {
  std::vector<peer_address> out;
  auto it = peers_.find(info_hash);
  if (it == peers_.end()) return out;
  for (const auto& e : it->second)
    if (now - e.announced < limits_.lifetime) out.push_back(e.address);
  if (out.size() > count) {
    std::shuffle(out.begin(), out.end(), rng);
    out.resize(count);
  }
  return out;
}

void peer_store::expire(clock::time_point now) {
  for (auto it = peers_.begin(); it != peers_.end();) {
    auto& list = it->second;
    const auto before = list.size();
    std::erase_if(list, [&](const entry& e) { return now - e.announced >= limits_.lifetime; });
    total_ -= before - list.size();
    it = list.empty() ? peers_.erase(it) : std::next(it);
  }
}

}  // namespace shoal::dht
