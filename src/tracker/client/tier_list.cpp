#include "shoal/tracker/client/tier_list.hpp"

#include <algorithm>
#include <random>
#include <set>

namespace shoal {

tier_list::tier_list(std::vector<std::vector<std::string>> tiers, std::uint64_t shuffle_seed) {
  std::set<std::string, std::less<>> seen;
  std::mt19937_64 rng(shuffle_seed);
  for (auto& tier : tiers) {
    std::vector<std::string> kept;
    for (auto& url : tier) {
      if (url.empty() || !seen.insert(url).second) continue;
      kept.push_back(std::move(url));
    }
    if (kept.empty()) continue;
    std::shuffle(kept.begin(), kept.end(), rng);
    tiers_.push_back(std::move(kept));
  }
}

std::size_t tier_list::size() const {
  std::size_t n = 0;
  for (const auto& tier : tiers_) n += tier.size();
  return n;
}

std::vector<tier_list::slot> tier_list::attempt_order() const {
  std::vector<slot> order;
  order.reserve(size());
  for (std::size_t t = 0; t < tiers_.size(); ++t)
    for (std::size_t i = 0; i < tiers_[t].size(); ++i) order.push_back({t, i});
  return order;
}

void tier_list::promote(slot s) {
  auto& tier = tiers_[s.tier];
  std::rotate(tier.begin(), tier.begin() + static_cast<std::ptrdiff_t>(s.index),
              tier.begin() + static_cast<std::ptrdiff_t>(s.index) + 1);
}

}  // namespace shoal
