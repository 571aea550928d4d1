#pragma once
// Super-seeding (BEP 16): a seed hides its bitfield and reveals pieces to each peer a few at a time, choosing
// pieces nobody has yet, so that the first copy it uploads is spread over the swarm without duplicates and the
// peers trade the rest among themselves. A seed that must leave after one copy still leaves a complete swarm.
// Pure: the caller passes availability (through the picker), the peers' bitfields and the time.
#include <chrono>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include "shoal/swarm/piece_picker.hpp"
#include "shoal/util/bitfield.hpp"

namespace shoal::swarm {

using super_seed_clock = std::chrono::steady_clock;

class super_seeder {
 public:
  super_seeder(int piece_count, std::size_t offers_per_peer, std::uint64_t random_seed = 5489u);

  // Pieces to reveal to `peer` now (with have messages), so that it holds up to offers_per_peer open offers.
  // While some piece is still on no peer, only such pieces are offered, each to one peer at a time (a piece
  // on nobody that is already offered elsewhere makes this peer wait); once every piece is out, the rarest
  // pieces the peer lacks are offered.
  void refill(std::uint64_t peer, const bitfield& peer_has, const piece_picker& availability,
              super_seed_clock::time_point now, std::vector<int>& out);
  // The peer announced it has `piece` (got it from us or anyone else): that offer is done.
  void on_have(std::uint64_t peer, int piece);
  // We sent the peer `bytes` of an offered piece. Once the whole piece went out the offer is done and the piece
  // counts as out, even if the peer never says `have` (aria2 does not send `have` to a peer that has the piece).
  // Returns true when that closed an offer.
  bool on_sent(std::uint64_t peer, int piece, std::uint64_t bytes, std::uint64_t piece_size);
  // The peer left: its open offers may go to others.
  void remove_peer(std::uint64_t peer);
  // Offers open longer than max_age go back (the peer stalled); it may still ask for them.
  void expire(super_seed_clock::time_point now, super_seed_clock::duration max_age);

  std::size_t open_offers(std::uint64_t peer) const;
  int offered_count(int piece) const { return offered_[static_cast<std::size_t>(piece)]; }

 private:
  struct offer {
    int piece;
    super_seed_clock::time_point at;
    std::uint64_t sent = 0;
  };
  bool out(const piece_picker& availability, int piece) const {
    return availability.availability(piece) > 0 || delivered_[static_cast<std::size_t>(piece)] != 0;
  }
  void close_offer(std::vector<offer>& open, std::vector<offer>::iterator it);
  int choose(const bitfield& peer_has, const std::vector<offer>& open, const piece_picker& availability);
  int choose_unseen(const bitfield& peer_has, const piece_picker& availability, bool& any_unseen);
  int choose_rarest(const bitfield& peer_has, const std::vector<offer>& open, const piece_picker& availability);

  std::vector<int> offered_;  // per piece: open offers to connected peers
  std::vector<std::uint8_t> delivered_;  // per piece: sent whole to some peer
  std::size_t offers_per_peer_;
  std::unordered_map<std::uint64_t, std::vector<offer>> peers_;
  std::mt19937_64 rng_;
};

}  // namespace shoal::swarm
