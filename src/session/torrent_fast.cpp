// BEP 6 fast extension, between peers whose handshakes both set the fast bit: have all / have none instead of a
// bitfield, an Allowed Fast set for each new peer, and what its reject, suggest and allowed-fast messages mean.
// None of these is ever sent to a peer without the bit (it would be a protocol error there).
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/addr/peer_address.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"
#include "shoal/wire/allowed_fast.hpp"

namespace shoal::session {

using peer::peer_connection;

namespace {
constexpr std::uint32_t allowed_fast_count = 10;  // k, as libtorrent sends
constexpr std::size_t max_allowed_fast_in = 64;   // a peer's allowed-fast and suggest lists kept, at most
constexpr std::size_t max_suggested = 16;
}  // namespace

// The first messages to a fast peer: exactly one of have all, have none or a bitfield (a super-seed says have
// none and reveals pieces one by one), then the pieces it may fetch while we choke it.
void torrent::greet_fast(peer_connection& c) {
  const int pieces = fetching_metadata() ? 0 : meta_->piece_count();
  if (super_seeding()) {
    c.send_have_all(false);
    super_seed_refill(c);
  } else if (pieces > 0 && complete_data()) {
    c.send_have_all(true);
  } else if (have_count() == 0 || pieces == 0) {
    c.send_have_all(false);
  } else {
    c.send_bitfield(have_.bytes());
  }
  auto a = peer_address::parse(c.name());
  if (pieces == 0 || !a || a->v6 || super_seeding()) return;  // BEP 6 defines the set for IPv4 only
  c.allowed_fast_out = wire::allowed_fast_set({a->ip[0], a->ip[1], a->ip[2], a->ip[3]}, meta_->info_hash,
                                              static_cast<std::uint32_t>(pieces), allowed_fast_count);
  // Only the pieces we hold are worth announcing; the set stays, so a piece verified later is served too.
  for (auto p : c.allowed_fast_out)
    if (have_.get(p)) c.send_allowed_fast(p);
}

void torrent::on_fast_message(peer_connection& c, const wire::message& m) {
  if (!c.fast) {
    c.close(std::string(wire::to_string(m.id)) + " without the fast extension (BEP 6)");
    return;
  }
  if (m.id != wire::message_id::reject)  // rejects can come by the thousand
    spdlog::debug("{}: peer {}: fast extension: {} {}", meta_->name, c.name(), wire::to_string(m.id), m.index);
  switch (m.id) {
    case wire::message_id::have_all:
    case wire::message_id::have_none:
      set_peer_has(c, bitfield(static_cast<std::size_t>(meta_->piece_count()), m.id == wire::message_id::have_all));
      break;
    case wire::message_id::reject: {
      const block_ref b{m.index, m.begin, m.length};
      auto it = std::find(c.inflight.begin(), c.inflight.end(), b);
      if (it == c.inflight.end()) return;  // not asked, or answered already: nothing to undo
      c.inflight.erase(it);
      picker().on_request_dropped(b);  // back to the picker; tick() refills, so a rejecting peer cannot loop us
      break;
    }
    case wire::message_id::allowed_fast:
      if (c.allowed_fast_in.size() < max_allowed_fast_in &&
          std::find(c.allowed_fast_in.begin(), c.allowed_fast_in.end(), m.index) == c.allowed_fast_in.end())
        c.allowed_fast_in.push_back(m.index);
      if (c.peer_choking) update_interest(c);
      break;
    case wire::message_id::suggest:
      if (c.suggested.size() < max_suggested &&
          std::find(c.suggested.begin(), c.suggested.end(), m.index) == c.suggested.end())
        c.suggested.push_back(m.index);
      break;
    default: break;
  }
}

// Requests for the pieces it suggested first (a hint we follow while we want them), and while it chokes us,
// requests for its allowed-fast pieces only. True: the caller has nothing more to do (choked).
bool torrent::fill_fast_requests(peer_connection& c) {
  const auto& pieces = c.peer_choking ? c.allowed_fast_in : c.suggested;
  if (!c.fast || pieces.empty()) return c.peer_choking;
  if (c.inflight.size() >= c.pipeline.depth()) return c.peer_choking;
  bitfield only(c.peer_has.size());
  for (auto p : pieces)
    if (c.peer_has.get(p) && !have_.get(p)) only.set(p);
  if (!c.peer_choking) std::erase_if(c.suggested, [&](std::uint32_t p) { return !only.get(p); });  // done with
  if (only.none()) return c.peer_choking;
  auto& scratch = transfer().scratch;
  scratch.clear();
  picker().pick(only, c.pipeline.depth() - c.inflight.size(), scratch, [&](const block_ref& b) {
    return std::find(c.inflight.begin(), c.inflight.end(), b) != c.inflight.end();
  });
  if (!scratch.empty() && c.inflight.empty()) c.last_block = peer::clock::now();
  for (const auto& b : scratch) {
    c.inflight.push_back(b);
    c.send_request(b);
  }
  c.wake();
  return c.peer_choking;
}

}  // namespace shoal::session
