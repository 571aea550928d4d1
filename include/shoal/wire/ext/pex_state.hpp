#pragma once
// BEP 11 peer exchange, per connection: when the next ut_pex message is due and what it says, as a diff of the
// peers we are connected to against what this neighbour was last told. Pure: the time and the connected set
// are passed in.
#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "shoal/addr/peer_address.hpp"
#include "shoal/wire/ext/ut_pex.hpp"

namespace shoal::wire::ext {

struct pex_policy {
  // The first message waits this long after the extended handshake (the connections of a starting swarm
  // settle), and longer only while there is nothing to say, never beyond first_deadline (BEP 11 clients expect
  // one within 30 s; libtorrent sends its first after about that).
  std::chrono::seconds first_after{3};
  std::chrono::seconds first_deadline{25};
  std::chrono::seconds interval{60};  // BEP 11: at most one message a minute
  std::size_t max_added_first = 200;  // the first message names the whole set (within the codec's cap)
  std::size_t max_added = 50;         // later ones: BEP 11's limit
  std::size_t max_dropped = 50;
};

class pex_state {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  explicit pex_state(time_point handshake_at, pex_policy policy = {});

  // The message due at `now` for this neighbour, given every peer we are connected to now (by listen address,
  // with flags; the neighbour itself may be among them and is left out, `self`). Nullopt: nothing is due, or
  // nothing to say yet. Peers beyond the caps wait for a later message.
  std::optional<pex_message> poll(time_point now, const std::vector<pex_peer>& connected,
                                  const std::optional<peer_address>& self);
  bool sent_any() const { return sent_any_; }

 private:
  pex_policy policy_;
  time_point handshake_at_;
  time_point next_due_;
  bool sent_any_ = false;
  std::vector<peer_address> told_;  // what the neighbour believes we are connected to
};

}  // namespace shoal::wire::ext
