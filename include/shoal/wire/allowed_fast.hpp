#pragma once
// BEP 6 Allowed Fast set: the pieces a peer may request from us while we choke it, derived from its IPv4
// address (/24) and the info-hash, so that every client computes the same set for the same peer.
#include <array>
#include <cstdint>
#include <vector>

#include "shoal/hash/sha1.hpp"

namespace shoal::wire {

// BEP 6's canonical algorithm; at most min(k, piece_count) distinct pieces, in the order generated.
// Empty for piece_count 0. IPv6 peers have no canonical set (BEP 6 defines only IPv4).
std::vector<std::uint32_t> allowed_fast_set(const std::array<std::uint8_t, 4>& ipv4, const sha1_digest& info_hash,
                                            std::uint32_t piece_count, std::uint32_t k);

}  // namespace shoal::wire
