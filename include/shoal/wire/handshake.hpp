#pragma once
// The 68-byte BitTorrent handshake (BEP 3) and our peer id.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"

namespace shoal::wire {

constexpr std::size_t handshake_size = 68;
constexpr std::string_view protocol_string = "\x13" "BitTorrent protocol";

using peer_id_t = std::array<std::uint8_t, 20>;

// Extension bits in reserved[7] (BEP 10's is in reserved[5], see ext/extended_message.hpp).
constexpr std::uint8_t dht_bit = 0x01;   // BEP 5: the sender runs a DHT node (and sends the port message)
constexpr std::uint8_t fast_bit = 0x04;  // BEP 6

struct handshake {
  // Extension bits as the peer sent them; kept as data. We set those we honour
  // (BEP 5 DHT: reserved[7] & 0x01, BEP 6 fast: reserved[7] & 0x04, BEP 10: reserved[5] & 0x10).
  std::array<std::uint8_t, 8> reserved{};
  sha1_digest info_hash;
  peer_id_t peer_id{};

  bool has_bit(int byte, std::uint8_t mask) const noexcept { return (reserved[byte] & mask) != 0; }
  bool supports_dht() const noexcept { return has_bit(7, dht_bit); }
  bool supports_fast() const noexcept { return has_bit(7, fast_bit); }
  bool supports_extensions() const noexcept { return has_bit(5, 0x10); }
};

void encode_handshake(const handshake& h, std::uint8_t* out /* handshake_size bytes */);
// Exactly handshake_size bytes; checks the protocol string.
result<handshake> decode_handshake(std::string_view bytes);

// Azureus style: "-SH0100-" followed by 12 random alphanumerics.
peer_id_t make_peer_id();
constexpr std::string_view peer_id_prefix = "-SH0100-";
// The client name our BEP 10 handshake gives ("v"), in step with the peer id's version.
constexpr std::string_view client_version = "Shoal 0.1.0";

// The client part of a peer id, printable, for logs: "-lt2080-" (Azureus style), "A2-1-36-0-" (aria2 and
// mainline style: up to the prefix's last dash), else the printable head; "?" when nothing printable leads it.
std::string client_name(const peer_id_t& id);

}  // namespace shoal::wire
