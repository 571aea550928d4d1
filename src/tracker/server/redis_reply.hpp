#pragma once
// Reading the Redis store's replies and packing its peers: a peer as 19 bytes (16-byte ip, v6 flag,
// big-endian port), replies checked for shape before anything is read from them.
#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker::redis {

inline constexpr std::size_t packed_peer_size = 19;

std::string packed_peer(const peer_announce& a);
inline std::string_view view_of(const redisReply* r) { return {r->str, r->len}; }
// An integer reply, or nil as 0.
bool integer_of(const redisReply* r, std::int64_t& out);
// A sample's flat [id, packed, ...] into `out`, skipping `self`.
bool append_peers(const redisReply* r, const peer_id_bytes& self, std::vector<swarm_peer>& out);
// Flat {seeders, leechers, downloaded} triplets.
bool read_counts(const redisReply* r, std::size_t at, swarm_counts& c);

}  // namespace shoal::tracker::redis
