// What each neighbour is told by ut_pex, and when (BEP 11).
#include "shoal/wire/ext/pex_state.hpp"

#include <algorithm>

namespace shoal::wire::ext {

pex_state::pex_state(time_point handshake_at, pex_policy policy)
    : policy_(policy), handshake_at_(handshake_at), next_due_(handshake_at + policy.first_after) {}

std::optional<pex_message> pex_state::poll(time_point now, const std::vector<pex_peer>& connected,
                                           const std::optional<peer_address>& self) {
  if (now < next_due_) return std::nullopt;
  auto known = [](const std::vector<peer_address>& v, const peer_address& a) {
    return std::find(v.begin(), v.end(), a) != v.end();
  };
  pex_message m;
  const std::size_t max_added = sent_any_ ? policy_.max_added : policy_.max_added_first;
  std::vector<peer_address> now_set;
  for (const auto& p : connected) {
    if (p.address.port == 0 || (self && p.address == *self) || known(now_set, p.address)) continue;
    now_set.push_back(p.address);
    if (!known(told_, p.address) && m.added.size() < max_added) m.added.push_back(p);
  }
  for (const auto& a : told_)
    if (!known(now_set, a) && m.dropped.size() < policy_.max_dropped) m.dropped.push_back(a);
  const bool first_deadline = !sent_any_ && now >= handshake_at_ + policy_.first_deadline;
  if (m.added.empty() && m.dropped.empty() && !first_deadline) return std::nullopt;  // due again next poll
  // The neighbour now knows the added ones and forgets the dropped ones; what the caps held back stays owed.
  for (const auto& p : m.added) told_.push_back(p.address);
  std::erase_if(told_, [&](const peer_address& a) { return known(m.dropped, a); });
  sent_any_ = true;
  next_due_ = now + policy_.interval;
  return m;
}

}  // namespace shoal::wire::ext
