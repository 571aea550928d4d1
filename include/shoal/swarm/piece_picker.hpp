#pragma once
// Which blocks to request next, from whom: the download bookkeeping of one torrent.
// Pure (no sockets, no clock): per-piece availability, per-block states (free / requested / received),
// partial pieces finished before new ones are started, rarest-first among the rest (random among equals) once
// we hold a few pieces (the first ones are random: common pieces arrive fastest and give us something to trade),
// and endgame (the last requested blocks handed out again to other peers; the caller cancels duplicates).
#include <cstdint>
#include <random>
#include <vector>

#include "shoal/metainfo/block_geometry.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/util/small_rng.hpp"

namespace shoal::swarm {

class piece_picker {
 public:
  piece_picker(int piece_count, std::int64_t piece_length, std::int64_t total_length,
               std::uint64_t random_seed = std::random_device{}());

  // Pieces picked at random, whatever their availability, before rarest-first starts (libtorrent's
  // initial_picker_threshold does the same).
  static constexpr int default_initial_random = 4;
  void set_initial_random(int pieces) { initial_random_ = pieces; }

  int piece_count() const { return static_cast<int>(state_.size()); }
  int blocks_in_piece(int piece) const { return geometry_.blocks_in_piece(piece); }
  std::int64_t piece_size(int piece) const { return geometry_.piece_length(piece); }
  const block_geometry& geometry() const { return geometry_; }

  // Our own pieces (from the resume check, or after a verified download).
  void set_have(int piece);
  bool have(int piece) const { return state_[piece] == piece_state::have; }
  int have_count() const { return have_count_; }
  bool complete() const { return have_count_ == piece_count(); }
  std::int64_t bytes_left() const { return bytes_left_; }
  // True if the peer has a piece we neither have nor are verifying.
  bool wants_any_of(const bitfield& peer_has) const;

  // What the swarm has: one count per peer that has the piece.
  void add_peer(const bitfield& peer_has);
  void remove_peer(const bitfield& peer_has);
  void add_have(int piece);
  int availability(int piece) const { return availability_[piece]; }

  // Appends up to `max` blocks to `out` that `peer_has` has: free blocks of partial pieces first (oldest
  // first), then blocks of new pieces, rarest first. With nothing free left (endgame), blocks already requested
  // from others are returned again, except those `mine` reports as already requested from this peer.
  // Returns how many were appended.
  template <class Mine>
  std::size_t pick(const bitfield& peer_has, std::size_t max, std::vector<block_ref>& out, Mine&& mine) {
    std::size_t n = pick_free(peer_has, max, out);
    // Endgame only when this peer got nothing new: duplicates never go to the peer that just got the originals.
    if (n == 0 && unstarted_ == 0) n = pick_endgame(peer_has, max, out, mine);
    return n;
  }
  std::size_t pick(const bitfield& peer_has, std::size_t max, std::vector<block_ref>& out) {
    return pick(peer_has, max, out, [](const block_ref&) { return false; });
  }

  enum class block_result { unexpected, accepted, piece_complete };
  // A block arrived. `other_requests` gets how many other requests for it are still out (endgame: cancel them).
  block_result on_block(const block_ref& b, int& other_requests);
  // A request will not be answered (choke, disconnect, timeout, cancel): the block is free again if nobody
  // else has it requested.
  void on_request_dropped(const block_ref& b);
  // The piece (all blocks received) passed or failed its SHA-1 check. A failed piece starts over.
  void on_piece_passed(int piece);
  void on_piece_failed(int piece);
  // Starts `piece` now (if nobody has started it) and hands out every free block of it: a failed piece is
  // re-requested from one peer, so the next check convicts exactly one source. Returns how many were appended.
  std::size_t take_piece(int piece, std::vector<block_ref>& out);

  bool in_endgame() const { return unstarted_ == 0 && !complete(); }
  std::size_t partial_count() const { return partials_.size(); }

 private:
  enum class piece_state : std::uint8_t { none, partial, verifying, have };
  struct partial_piece {
    int piece = 0;
    int blocks = 0;
    int received = 0;
    int free = 0;  // blocks neither requested nor received
    std::vector<std::uint8_t> requests;  // per block: outstanding requests
    std::vector<std::uint8_t> done;      // per block: received
  };

  std::size_t pick_free(const bitfield& peer_has, std::size_t max, std::vector<block_ref>& out);
  template <class Mine>
  std::size_t pick_endgame(const bitfield& peer_has, std::size_t max, std::vector<block_ref>& out, Mine& mine) {
    std::size_t n = 0;
    for (auto& p : partials_) {
      if (state_[p.piece] != piece_state::partial || !peer_has.get(p.piece)) continue;
      for (int b = 0; b < p.blocks && n < max; ++b) {
        if (p.done[b] || p.requests[b] >= max_duplicates) continue;
        block_ref ref = geometry_.block(p.piece, b);
        if (mine(ref)) continue;
        ++p.requests[b];
        out.push_back(ref);
        ++n;
      }
      if (n == max) break;
    }
    return n;
  }
  std::size_t take_free_blocks(partial_piece& p, std::size_t max, std::vector<block_ref>& out);
  int start_rarest(const bitfield& peer_has, int want);
  void start_piece(int piece);
  partial_piece* find_partial(int piece);

  static constexpr std::uint8_t max_duplicates = 2;

  block_geometry geometry_;
  std::vector<piece_state> state_;
  std::vector<std::uint16_t> availability_;
  std::vector<partial_piece> partials_;  // in the order they were started
  std::vector<int> candidates_;          // scratch of start_rarest
  int have_count_ = 0;
  int initial_random_ = default_initial_random;
  int unstarted_ = 0;  // pieces in state none
  std::int64_t bytes_left_ = 0;
  small_rng rng_;  // 8 bytes: one per torrent (small_rng.hpp)
};

}  // namespace shoal::swarm
