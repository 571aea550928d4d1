#include "shoal/util/path_pool.hpp"

#include <algorithm>

namespace shoal {

std::shared_ptr<const std::filesystem::path> path_pool::intern(const std::filesystem::path& p) {
  auto& slot = paths_[p.native()];
  if (auto held = slot.lock()) return held;
  auto fresh = std::make_shared<const std::filesystem::path>(p);
  slot = fresh;
  if (paths_.size() >= prune_at_) prune();
  return fresh;
}

std::size_t path_pool::size() const {
  return static_cast<std::size_t>(
      std::count_if(paths_.begin(), paths_.end(), [](const auto& e) { return !e.second.expired(); }));
}

// Dropped folders' entries go in sweeps, each after the table doubled since the last: amortised O(1) an intern.
void path_pool::prune() {
  std::erase_if(paths_, [](const auto& e) { return e.second.expired(); });
  prune_at_ = std::max<std::size_t>(16, 2 * paths_.size());
}

}  // namespace shoal
