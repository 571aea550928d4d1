#pragma once
// What a DHT node keeps across restarts (the daemon's dht.state): its id and the good nodes of its routing table,
// so it comes back as the same node with its contacts instead of bootstrapping from nothing. Pure: bytes in and
// out; the file is the caller's.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/dht/protocol/krpc.hpp"
#include "shoal/util/result.hpp"

namespace shoal::dht {

struct node_state {
  node_id id;
  std::vector<node_info> nodes;  // IPv4 (the node speaks IPv4 only)
  friend bool operator==(const node_state&, const node_state&) = default;
};

// A routing table holds at most 160 buckets of 8; a file naming more was not written by us.
inline constexpr std::size_t max_saved_nodes = 160 * 8;
// Larger input is refused before it is decoded (a full table is 33 KiB).
inline constexpr std::size_t max_node_state_size = 64 * 1024;

// A bencoded dictionary: "id" (20 bytes), "nodes" (compact node info, 26 bytes each), "v" (1).
std::string encode_node_state(const node_state& s);
// Errors (invalid_data) say what is wrong: not bencode, a missing or malformed "id" or "nodes", another "v", too
// many nodes, too large, a node with port 0 (named by its index).
result<node_state> decode_node_state(std::string_view bytes);

}  // namespace shoal::dht
