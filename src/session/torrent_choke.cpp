// Choking by the pure choker: a full round every 10 s (tit-for-tat on last second's rates, one optimistic
// unchoke rotated every 30 s), and an early run whenever the set of candidates changes (a peer becomes
// interested or leaves a slot, our first piece arrives) so a new peer is served without waiting for the round.
#include <algorithm>
#include <cstdint>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

namespace shoal::session {

void torrent::unchoke_more() { run_choker(peer::clock::now()); }

void torrent::run_choker(peer::clock::time_point now) {
  if (have_count() == 0 || seeding_done_) return;  // nothing to serve (yet, or any more)
  auto& x = transfer();
  x.choker.set_mode(opt_->seed_only || complete_data() ? swarm::choke_mode::seed : swarm::choke_mode::leech);
  x.choke_candidates.clear();
  for (const auto& c : peers_) {
    if (c->closed()) continue;
    swarm::choke_candidate k;
    k.id = c->id();
    k.interested = c->peer_interested;
    k.is_seed = c->peer_has.all();
    k.snubbed = c->snubbed;
    k.download_rate = c->download_rate;
    k.upload_rate = c->upload_rate;
    k.unchoked = !c->am_choking;
    k.choked_for = now - c->choked_since;
    x.choke_candidates.push_back(k);
  }
  const auto& d = x.choker.run(x.choke_candidates, now);
  for (auto& c : std::vector(peers_)) {
    if (c->closed()) continue;
    const bool unchoke = std::find(d.unchoke.begin(), d.unchoke.end(), c->id()) != d.unchoke.end();
    if (unchoke == !c->am_choking) continue;
    if (!unchoke) c->choked_since = now;
    c->send_choke(!unchoke);
  }
}

}  // namespace shoal::session
