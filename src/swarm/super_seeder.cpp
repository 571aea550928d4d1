#include "shoal/swarm/super_seeder.hpp"

#include <algorithm>
#include <limits>

namespace shoal::swarm {

super_seeder::super_seeder(int piece_count, std::size_t offers_per_peer, std::uint64_t random_seed)
    : offered_(static_cast<std::size_t>(piece_count), 0),
      delivered_(static_cast<std::size_t>(piece_count), 0),
      offers_per_peer_(std::max<std::size_t>(offers_per_peer, 1)),
      rng_(random_seed) {}

void super_seeder::refill(std::uint64_t peer, const bitfield& peer_has, const piece_picker& availability,
                          super_seed_clock::time_point now, std::vector<int>& out) {
  auto& open = peers_[peer];
  while (open.size() < offers_per_peer_) {
    const int piece = choose(peer_has, open, availability);
    if (piece < 0) return;
    open.push_back({piece, now});
    ++offered_[static_cast<std::size_t>(piece)];
    out.push_back(piece);
  }
}

int super_seeder::choose(const bitfield& peer_has, const std::vector<offer>& open, const piece_picker& availability) {
  bool any_unseen = false;
  const int piece = choose_unseen(peer_has, availability, any_unseen);
  if (piece >= 0 || any_unseen) return piece;  // the first copy is not out yet: no duplicates before it is
  return choose_rarest(peer_has, open, availability);
}

// A piece on no peer and offered to none, from a random starting point so peers get different pieces.
int super_seeder::choose_unseen(const bitfield& peer_has, const piece_picker& availability, bool& any_unseen) {
  const int n = static_cast<int>(offered_.size());
  if (n == 0) return -1;
  const int start = static_cast<int>(rng_() % static_cast<std::uint64_t>(n));
  for (int k = 0; k < n; ++k) {
    const int i = (start + k) % n;
    if (out(availability, i)) continue;
    any_unseen = true;
    if (offered_[static_cast<std::size_t>(i)] == 0 && !peer_has.get(static_cast<std::size_t>(i))) return i;
  }
  return -1;
}

// Every piece is on some peer: the rarest the peer lacks, fewest open offers next, random among equals.
int super_seeder::choose_rarest(const bitfield& peer_has, const std::vector<offer>& open,
                                const piece_picker& availability) {
  const int n = static_cast<int>(offered_.size());
  int best = -1, best_avail = std::numeric_limits<int>::max(), best_offered = 0, ties = 0;
  for (int i = 0; i < n; ++i) {
    if (peer_has.get(static_cast<std::size_t>(i))) continue;
    if (std::any_of(open.begin(), open.end(), [&](const offer& o) { return o.piece == i; })) continue;
    const int a = availability.availability(i), o = offered_[static_cast<std::size_t>(i)];
    if (a < best_avail || (a == best_avail && o < best_offered)) {
      best = i, best_avail = a, best_offered = o, ties = 1;
    } else if (a == best_avail && o == best_offered && rng_() % static_cast<std::uint64_t>(++ties) == 0) {
      best = i;
    }
  }
  return best;
}

void super_seeder::on_have(std::uint64_t peer, int piece) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  auto& open = it->second;
  auto o = std::find_if(open.begin(), open.end(), [&](const offer& x) { return x.piece == piece; });
  if (o != open.end()) close_offer(open, o);
}

bool super_seeder::on_sent(std::uint64_t peer, int piece, std::uint64_t bytes, std::uint64_t piece_size) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return false;
  auto& open = it->second;
  auto o = std::find_if(open.begin(), open.end(), [&](const offer& x) { return x.piece == piece; });
  if (o == open.end()) return false;
  o->sent += bytes;
  if (o->sent < piece_size) return false;
  delivered_[static_cast<std::size_t>(piece)] = 1;
  close_offer(open, o);
  return true;
}

void super_seeder::close_offer(std::vector<offer>& open, std::vector<offer>::iterator it) {
  --offered_[static_cast<std::size_t>(it->piece)];
  open.erase(it);
}

void super_seeder::remove_peer(std::uint64_t peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  for (const auto& o : it->second) --offered_[static_cast<std::size_t>(o.piece)];
  peers_.erase(it);
}

void super_seeder::expire(super_seed_clock::time_point now, super_seed_clock::duration max_age) {
  for (auto& [peer, open] : peers_) {
    std::erase_if(open, [&](const offer& o) {
      if (now - o.at <= max_age) return false;
      --offered_[static_cast<std::size_t>(o.piece)];
      return true;
    });
  }
}

std::size_t super_seeder::open_offers(std::uint64_t peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? 0 : it->second.size();
}

}  // namespace shoal::swarm
