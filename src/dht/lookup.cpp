#include "shoal/dht/lookup.hpp"

#include <algorithm>

namespace shoal::dht {

lookup::lookup(node_id target, lookup_limits limits) : target_(target), limits_(limits) {}

lookup::candidate* lookup::find(const peer_address& a) {
  for (auto& c : candidates_)
    if (c.node.address == a) return &c;
  return nullptr;
}

void lookup::add_candidates(const std::vector<node_info>& nodes, const peer_address* via) {
  std::size_t round = 1;
  if (via)
    if (const auto* from = find(*via)) round = from->round + 1;
  for (const auto& n : nodes) {
    if (n.address.port == 0) continue;
    if (auto* known = find(n.address)) {
      if (known->st == state::fresh) known->round = std::min(known->round, round);
      continue;
    }
    auto pos = std::upper_bound(candidates_.begin(), candidates_.end(), n.id,
                                [&](const node_id& id, const candidate& c) { return closer_to(target_, id, c.node.id); });
    candidates_.insert(pos, candidate{n, state::fresh, {}, round});
  }
  // Keep the closest; never drop one in flight (its reply must still find it).
  while (candidates_.size() > limits_.max_candidates) {
    auto victim = std::find_if(candidates_.rbegin(), candidates_.rend(),
                               [](const candidate& c) { return c.st != state::in_flight; });
    if (victim == candidates_.rend()) break;
    candidates_.erase(std::next(victim).base());
  }
}

std::vector<node_info> lookup::next() {
  std::vector<node_info> out;
  if (done()) return out;
  std::size_t alive_seen = 0;  // fresh/in-flight/replied among the closest: only the K closest are worth asking
  for (auto& c : candidates_) {
    if (in_flight_ >= limits_.alpha || queries_ >= limits_.max_queries) break;
    if (c.st == state::failed) continue;
    if (++alive_seen > limits_.k) break;
    if (c.st != state::fresh) continue;
    c.st = state::in_flight;
    ++in_flight_;
    ++queries_;
    round_trips_ = std::max(round_trips_, c.round);
    out.push_back(c.node);
  }
  return out;
}

void lookup::on_reply(const peer_address& from, const node_id& id, const std::optional<std::string>& token) {
  auto* c = find(from);
  if (!c || c->st != state::in_flight) return;
  --in_flight_;
  ++replies_;
  c->st = state::replied;
  if (token) c->token = *token;
  if (c->node.id != id) {
    // It answers under another id than we were told: keep its real one, in its right place.
    candidate moved = *c;
    moved.node.id = id;
    candidates_.erase(candidates_.begin() + (c - candidates_.data()));
    auto pos = std::upper_bound(candidates_.begin(), candidates_.end(), id,
                                [&](const node_id& x, const candidate& o) { return closer_to(target_, x, o.node.id); });
    candidates_.insert(pos, std::move(moved));
  }
}

void lookup::on_failure(const peer_address& from) {
  auto* c = find(from);
  if (!c || c->st != state::in_flight) return;
  --in_flight_;
  c->st = state::failed;
}

bool lookup::done() const {
  if (queries_ >= limits_.max_queries) return in_flight_ == 0;
  std::size_t alive = 0;
  for (const auto& c : candidates_) {
    if (c.st == state::failed) continue;
    if (c.st != state::replied) return false;  // one of the K closest is still to ask or in flight
    if (++alive >= limits_.k) return true;
  }
  return in_flight_ == 0;  // fewer than K alive candidates, and all of them replied
}

std::vector<lookup::replied_node> lookup::closest_replied() const {
  std::vector<replied_node> out;
  for (const auto& c : candidates_) {
    if (out.size() >= limits_.k) break;
    if (c.st == state::replied) out.push_back({c.node, c.token});
  }
  return out;
}

}  // namespace shoal::dht
