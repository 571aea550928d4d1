#pragma once
// BEP 12 announce-list bookkeeping, without sockets: which tracker to try next, and
// what to remember when one answers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace shoal {

class tier_list {
 public:
  struct slot {
    std::size_t tier = 0;
    std::size_t index = 0;
    friend bool operator==(const slot&, const slot&) = default;
  };

  // Drops empty URLs, repeated URLs (the first occurrence wins) and empty tiers, then
  // shuffles each tier once (BEP 12) with a generator seeded by `shuffle_seed`.
  tier_list(std::vector<std::vector<std::string>> tiers, std::uint64_t shuffle_seed);

  const std::vector<std::vector<std::string>>& tiers() const { return tiers_; }
  bool empty() const { return tiers_.empty(); }
  std::size_t size() const;

  // Every tracker once: tier by tier, front to back within a tier.
  std::vector<slot> attempt_order() const;
  const std::string& url(slot s) const { return tiers_[s.tier][s.index]; }

  // The tracker at `s` answered: it moves to the front of its tier, the others keep
  // their relative order.
  void promote(slot s);

 private:
  std::vector<std::vector<std::string>> tiers_;
};

}  // namespace shoal
