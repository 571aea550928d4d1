#include "shoal/dht/node_id.hpp"

#include <bit>

namespace shoal::dht {

node_id random_node_id(std::mt19937_64& rng) {
  node_id id;
  for (auto& b : id.bytes) b = static_cast<std::uint8_t>(rng());
  return id;
}

node_id xor_distance(const node_id& a, const node_id& b) {
  node_id d;
  for (std::size_t i = 0; i < d.bytes.size(); ++i) d.bytes[i] = a.bytes[i] ^ b.bytes[i];
  return d;
}

std::size_t common_prefix_bits(const node_id& a, const node_id& b) {
  for (std::size_t i = 0; i < a.bytes.size(); ++i) {
    const auto x = static_cast<std::uint8_t>(a.bytes[i] ^ b.bytes[i]);
    if (x != 0) return i * 8 + static_cast<std::size_t>(std::countl_zero(x));
  }
  return 160;
}

bool closer_to(const node_id& target, const node_id& a, const node_id& b) {
  return xor_distance(target, a) < xor_distance(target, b);  // byte-wise big-endian compare
}

node_id random_id_in_bucket(const node_id& base, std::size_t prefix_bits, std::mt19937_64& rng) {
  node_id id = random_node_id(rng);
  if (prefix_bits >= 160) return base;
  for (std::size_t bit = 0; bit <= prefix_bits; ++bit) {
    const std::size_t byte = bit / 8;
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    const bool want = bit < prefix_bits ? (base.bytes[byte] & mask) != 0 : (base.bytes[byte] & mask) == 0;
    id.bytes[byte] = static_cast<std::uint8_t>(want ? (id.bytes[byte] | mask) : (id.bytes[byte] & ~mask));
  }
  return id;
}

}  // namespace shoal::dht
