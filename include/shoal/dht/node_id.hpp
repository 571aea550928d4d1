#pragma once
// BEP 5 node ids: 160-bit numbers in the info-hash space, closeness by XOR distance.
#include <cstddef>
#include <random>

#include "shoal/dht/protocol/krpc.hpp"

namespace shoal::dht {

// A uniformly random id. BEP 42 would derive it from our public IP; we only run on whatever address we
// are given (loopback and LANs included), so a random id it is.
node_id random_node_id(std::mt19937_64& rng);

node_id xor_distance(const node_id& a, const node_id& b);

// How many leading bits a and b share (160 when equal).
std::size_t common_prefix_bits(const node_id& a, const node_id& b);

// True when a is strictly closer to target than b.
bool closer_to(const node_id& target, const node_id& a, const node_id& b);

// A random id that shares exactly `prefix_bits` leading bits with `base` (the next bit differs): a
// target inside one bucket's range, for refreshing it.
node_id random_id_in_bucket(const node_id& base, std::size_t prefix_bits, std::mt19937_64& rng);

}  // namespace shoal::dht
