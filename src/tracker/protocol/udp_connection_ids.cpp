#include "shoal/tracker/protocol/udp_connection_ids.hpp"

#include <cstring>
#include <random>

#include "shoal/hash/sha1.hpp"
#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

namespace shoal::udp_tracker {

siphash_key connection_ids::key_from_secret(std::string_view secret) {
  // A domain prefix keeps this key apart from any other use of the same secret.
  sha1_hasher h;
  h.update("shoal udp connection id\n");
  h.update(secret);
  auto d = h.final();
  siphash_key k;
  std::memcpy(k.data(), d.bytes.data(), k.size());
  return k;
}

siphash_key connection_ids::random_key() {
  std::random_device rd;
  siphash_key k;
  for (std::size_t i = 0; i < k.size(); i += 4) {
    auto v = rd();
    std::memcpy(k.data() + i, &v, 4);
  }
  return k;
}

std::uint64_t connection_ids::id_for(const tracker::ip_bytes& ip, bool v6,
                                     std::uint64_t bucket) const {
  std::uint8_t msg[16 + 1 + 8];
  std::memcpy(msg, ip.data(), 16);
  if (!v6) std::memset(msg + 4, 0, 12);  // IPv4 uses 4 bytes; the rest must not matter
  msg[16] = v6 ? 6 : 4;
  for (int i = 0; i < 8; ++i) msg[17 + i] = static_cast<std::uint8_t>(bucket >> (8 * i));
  std::uint64_t id = siphash24(key_, msg, sizeof msg);
  // The protocol id marks a connect request; never hand it out as a connection id.
  return id == protocol_id ? id ^ 1 : id;
}

std::uint64_t connection_ids::issue(const tracker::ip_bytes& ip, bool v6,
                                    std::uint64_t unix_seconds) const {
  return id_for(ip, v6, unix_seconds / bucket_seconds);
}

bool connection_ids::valid(std::uint64_t id, const tracker::ip_bytes& ip, bool v6,
                           std::uint64_t unix_seconds) const {
  std::uint64_t bucket = unix_seconds / bucket_seconds;
  if (id == id_for(ip, v6, bucket)) return true;
  return bucket > 0 && id == id_for(ip, v6, bucket - 1);
}

}  // namespace shoal::udp_tracker
