#pragma once
// What only a torrent that exchanges pieces with peers needs: the choker, the pieces being gathered or hashed on
// arrival, the PEX neighbours. Made at the first use (torrent::transfer()), so the thousands of torrents a daemon
// holds with no peer carry none of it (384 bytes of empty members each before).
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "shoal/addr/peer_address.hpp"
#include "shoal/session/torrent.hpp"
#include "shoal/storage/arrival_hash.hpp"
#include "shoal/storage/piece_buffers.hpp"
#include "shoal/swarm/choker.hpp"
#include "shoal/wire/ext/pex_state.hpp"

namespace shoal::session {

struct torrent::transfer_state {
  explicit transfer_state(const swarm::choke_config& c) : choker(c) {}

  swarm::choker choker;
  std::vector<swarm::choke_candidate> choke_candidates;  // reused every round
  std::vector<block_ref> scratch;                        // picked blocks, reused
  // Hash on arrival (torrent_verify.cpp): pieces being downloaded, their in-order prefix already hashed.
  std::unordered_map<int, arrival_hash> arriving;
  // Or, while buffers last, a copy of the piece's blocks is gathered in memory and the pool hashes the whole
  // piece, off the network thread (torrent_verify.cpp).
  std::optional<piece_buffers> buffers;
  std::unordered_map<int, piece_buffers::buffer> gathering;
  std::unordered_map<std::uint64_t, wire::ext::pex_state> pex;  // by connection id: neighbours speaking ut_pex
  std::vector<peer_address> own_addresses;  // ours, as peers reach us (PEX entries naming us are skipped)
};

}  // namespace shoal::session
