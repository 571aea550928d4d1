#include "shoal/swarm/choker.hpp"

#include <algorithm>
#include <tuple>

namespace shoal::swarm {

choker::choker(choke_config config, std::uint32_t seed) : config_(config), rng_(seed) {}

bool choker::due(choke_clock::time_point now) const noexcept {
  return !last_round_ || now - *last_round_ >= config_.round;
}

bool choker::eligible_regular(const choke_candidate& p) const noexcept {
  if (!p.interested || p.is_seed) return false;
  // A snubbing peer earns no reciprocation while we download; it can still win the optimistic slot.
  return config_.mode == choke_mode::seed || !p.snubbed;
}

const choke_decision& choker::run(std::span<const choke_candidate> peers, choke_clock::time_point now) {
  last_round_ = now;
  decision_.unchoke.clear();
  decision_.optimistic.reset();
  if (config_.upload_slots == 0) {
    optimistic_.reset();
    return decision_;
  }
  pick_regular(peers);
  pick_optimistic(peers, now);
  if (optimistic_) {
    decision_.unchoke.push_back(*optimistic_);
    decision_.optimistic = optimistic_;
  }
  return decision_;
}

void choker::pick_regular(std::span<const choke_candidate> peers) {
  order_.clear();
  for (const auto& p : peers) {
    if (eligible_regular(p)) order_.emplace_back(static_cast<std::uint32_t>(rng_()), &p);
  }
  const bool seeding = config_.mode == choke_mode::seed;
  // Best rate first; on a tie keep whoever is unchoked (no flapping), then whoever waited longest,
  // then the random draw, so equal peers are not always served in connection order.
  auto key = [seeding](const std::pair<std::uint32_t, const choke_candidate*>& e) {
    const choke_candidate& p = *e.second;
    return std::make_tuple(seeding ? p.upload_rate : p.download_rate, p.unchoked, p.choked_for, e.first);
  };
  std::sort(order_.begin(), order_.end(), [&](const auto& a, const auto& b) { return key(a) > key(b); });
  const std::size_t n = std::min(order_.size(), config_.upload_slots);
  for (std::size_t i = 0; i < n; ++i) decision_.unchoke.push_back(order_[i].second->id);
}

void choker::pick_optimistic(std::span<const choke_candidate> peers, choke_clock::time_point now) {
  auto is_regular = [this](std::uint64_t id) {
    return std::find(decision_.unchoke.begin(), decision_.unchoke.end(), id) != decision_.unchoke.end();
  };
  auto wants = [&](const choke_candidate& p) { return p.interested && !p.is_seed && !is_regular(p.id); };

  if (optimistic_ && now - optimistic_since_ < config_.optimistic_period) {
    auto it = std::find_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == *optimistic_; });
    if (it != peers.end() && wants(*it)) return;  // its turn is not over
  }
  // New turn: the interested peer choked the longest, so every one of them gets a turn in time
  // (nobody starves); the previous holder only if nobody else is waiting.
  const choke_candidate* best = nullptr;
  std::uint32_t best_draw = 0;
  for (const auto& p : peers) {
    if (!wants(p)) continue;
    const std::uint32_t draw = static_cast<std::uint32_t>(rng_());
    if (best != nullptr) {
      const bool p_prev = optimistic_ && p.id == *optimistic_;
      const bool b_prev = optimistic_ && best->id == *optimistic_;
      if (std::make_tuple(!p_prev, p.choked_for, draw) <= std::make_tuple(!b_prev, best->choked_for, best_draw))
        continue;
    }
    best = &p;
    best_draw = draw;
  }
  if (best == nullptr) {
    optimistic_.reset();
    return;
  }
  optimistic_ = best->id;
  optimistic_since_ = now;
}

}  // namespace shoal::swarm
