#pragma once
// What only a torrent that exchanges pieces with peers needs: the choker, the pieces being gathered or hashed on
// arrival, the PEX neighbours, the rate buckets. Made at the first use (torrent::transfer()) and kept until the
// torrent goes (a connection may hold a bucket across a wait), so the thousands of torrents a daemon
// holds with no peer carry none of it (512 bytes of idle members each before, and 200 more since the candidates,
// failure counts and rate windows moved here).
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "shoal/addr/peer_address.hpp"
#include "shoal/session/torrent.hpp"
#include "shoal/storage/arrival_hash.hpp"
#include "shoal/storage/piece_buffers.hpp"
#include "shoal/swarm/choker.hpp"
#include "shoal/swarm/rate_limiter.hpp"
#include "shoal/util/rate_window.hpp"
#include "shoal/wire/ext/pex_state.hpp"

namespace shoal::session {

// Gathered pieces waiting for the hashing pool. A job takes up to two pieces and hashes two at once (sha1_pair:
// two SHA-1 streams on one core cost about 0.6 of two apart). A piece that completes alone while more blocks are
// on their way waits a moment for the next (torrent_verify.cpp), so that at full speed most pieces go in pairs.
struct gathered_piece {
  int piece = -1;
  std::uint64_t generation = 0;
  std::size_t size = 0;
  sha1_digest expected;
  piece_buffers::buffer data;
};
struct gathered_queue {
  std::mutex mu;
  std::deque<gathered_piece> pieces;
};

struct torrent::transfer_state {
  transfer_state(const swarm::choke_config& c, std::uint64_t download_rate, std::uint64_t upload_rate,
                 const session_link& link)
      : choker(c),
        download_limit(download_rate, swarm::default_burst(download_rate), std::chrono::steady_clock::now(),
                       link.download_total),
        upload_limit(upload_rate, swarm::default_burst(upload_rate), std::chrono::steady_clock::now(),
                     link.upload_total) {}

  swarm::choker choker;
  // The torrent's buckets, under the session's. Never freed before the torrent: a connection holds one across a wait.
  swarm::rate_limiter download_limit;
  swarm::rate_limiter upload_limit;
  std::vector<swarm::choke_candidate> choke_candidates;  // reused every round
  std::vector<block_ref> scratch;                        // picked blocks, reused
  // Hash on arrival (torrent_verify.cpp): pieces being downloaded, their in-order prefix already hashed.
  std::unordered_map<int, arrival_hash> arriving;
  // Or, while buffers last, a copy of the piece's blocks is gathered in memory and the pool hashes the whole
  // piece, off the network thread (torrent_verify.cpp).
  std::optional<piece_buffers> buffers;
  std::unordered_map<int, piece_buffers::buffer> gathering;
  std::shared_ptr<gathered_queue> to_hash;  // shared with the pool's jobs; made with the first gathered piece
  std::unique_ptr<boost::asio::steady_timer> partner_wait;  // a lone gathered piece waits for a partner
  bool partner_waiting = false;
  std::unordered_map<std::uint64_t, wire::ext::pex_state> pex;  // by connection id: neighbours speaking ut_pex
  std::vector<peer_address> own_addresses;  // ours, as peers reach us (PEX entries naming us are skipped)
  candidate_map candidates;  // by "host:port"
  // Per piece, sized at the first hash failure (most torrents never have one): failures, and whether it failed
  // before (so its passing digests settle the verdict).
  std::vector<int> failures;
  std::vector<std::uint8_t> retried;
  std::vector<std::uint32_t> verified_since_event;  // pieces for the next batched pieces_verified event
  rate_window download_window, upload_window;  // no samples without a peer: the rates are 0
  std::chrono::steady_clock::time_point metadata_progress{};  // a magnet: the last metadata piece (or the start)
};

}  // namespace shoal::session
