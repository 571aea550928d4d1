#include "shoal/dht/routing_table.hpp"

#include <algorithm>

namespace shoal::dht {

routing_table::routing_table(node_id self, routing_limits limits)
    : self_(self), limits_(limits), buckets_(1) {}

std::size_t routing_table::bucket_index(const node_id& id) const {
  return std::min(common_prefix_bits(self_, id), buckets_.size() - 1);
}

node_status routing_table::status(const routing_entry& e, dht_clock::time_point now) const {
  if (e.failed_queries >= limits_.bad_after_failures) return node_status::bad;
  const auto last = std::max(e.last_reply, e.last_query);
  if (e.last_reply != dht_clock::time_point{} && now - last < limits_.good_for) return node_status::good;
  return node_status::questionable;
}

std::size_t routing_table::size() const {
  std::size_t n = 0;
  for (const auto& b : buckets_) n += b.nodes.size();
  return n;
}

bool routing_table::try_split() {
  if (buckets_.size() >= 160 || size() + bucket_size > limits_.max_nodes) return false;
  const std::size_t last = buckets_.size() - 1;
  buckets_.emplace_back();
  auto& old_bucket = buckets_[last];
  auto& fresh = buckets_.back();
  auto move_deeper = [&](std::vector<routing_entry>& from, std::vector<routing_entry>& to) {
    auto it = std::stable_partition(from.begin(), from.end(), [&](const routing_entry& e) {
      return common_prefix_bits(self_, e.node.id) == last;
    });
    to.insert(to.end(), it, from.end());
    from.erase(it, from.end());
  };
  move_deeper(old_bucket.nodes, fresh.nodes);
  move_deeper(old_bucket.replacements, fresh.replacements);
  fresh.last_changed = old_bucket.last_changed;
  return true;
}

bool routing_table::heard_from(const node_info& n, dht_clock::time_point now, bool replied) {
  if (n.id == self_ || n.address.port == 0) return false;
  for (;;) {
    auto& b = buckets_[bucket_index(n.id)];
    // Known id: refresh it. A new address for a known id is taken only from the node itself.
    for (auto& e : b.nodes) {
      if (e.node.id != n.id) continue;
      if (replied) {
        e.node.address = n.address;
        e.last_reply = now;
        e.failed_queries = 0;
        b.last_changed = now;
      }
      return true;
    }
    // A known address under another id (the node restarted with a new id): forget the old id.
    if (replied) {
      std::erase_if(b.nodes, [&](const routing_entry& e) { return e.node.address == n.address; });
    }
    routing_entry entry{n, replied ? now : dht_clock::time_point{}, {}, 0};
    if (b.nodes.size() < bucket_size && size() < limits_.max_nodes) {
      b.nodes.push_back(entry);
      b.last_changed = now;
      return true;
    }
    if (replied) {
      auto bad = std::find_if(b.nodes.begin(), b.nodes.end(), [&](const routing_entry& e) {
        return status(e, now) == node_status::bad;
      });
      if (bad != b.nodes.end()) {
        *bad = entry;
        b.last_changed = now;
        return true;
      }
    }
    if (&b == &buckets_.back() && try_split()) continue;
    // Full of good or questionable nodes: keep it as a replacement (newest last, bounded).
    if (replied) {
      std::erase_if(b.replacements, [&](const routing_entry& e) { return e.node.id == n.id; });
      b.replacements.push_back(entry);
      if (b.replacements.size() > limits_.replacements_per_bucket) b.replacements.erase(b.replacements.begin());
    }
    return false;
  }
}

void routing_table::promote_replacement(bucket& b) {
  if (b.replacements.empty()) return;
  std::erase_if(b.nodes, [&](const routing_entry& e) { return e.failed_queries >= limits_.bad_after_failures; });
  if (b.nodes.size() >= bucket_size) return;
  b.nodes.push_back(b.replacements.back());
  b.replacements.pop_back();
}

void routing_table::failed(const peer_address& address) {
  for (auto& b : buckets_) {
    for (auto& e : b.nodes) {
      if (e.node.address != address) continue;
      ++e.failed_queries;
      if (e.failed_queries >= limits_.bad_after_failures) promote_replacement(b);
      return;
    }
  }
}

std::optional<routing_entry> routing_table::find(const node_id& id) const {
  for (const auto& e : buckets_[bucket_index(id)].nodes)
    if (e.node.id == id) return e;
  return std::nullopt;
}

std::vector<node_info> routing_table::closest(const node_id& target, std::size_t count,
                                              dht_clock::time_point now) const {
  std::vector<node_info> all;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (status(e, now) != node_status::bad) all.push_back(e.node);
  const auto n = std::min(count, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [&](const node_info& a, const node_info& b) { return closer_to(target, a.id, b.id); });
  all.resize(n);
  return all;
}

std::vector<node_info> routing_table::to_ping(dht_clock::time_point now, std::size_t count) const {
  std::vector<node_info> out;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (out.size() < count && status(e, now) == node_status::questionable) out.push_back(e.node);
  return out;
}

std::vector<node_id> routing_table::refresh_targets(dht_clock::time_point now, std::chrono::seconds interval,
                                                    std::mt19937_64& rng) {
  std::vector<node_id> out;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    auto& b = buckets_[i];
    if (now - b.last_changed < interval) continue;
    b.last_changed = now;  // one refresh per interval, whether or not it finds anything
    out.push_back(random_id_in_bucket(self_, i, rng));
  }
  return out;
}

}  // namespace shoal::dht
