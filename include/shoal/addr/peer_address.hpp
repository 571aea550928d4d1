#pragma once
// A peer's IP and port as trackers hand them out (BEP 3, 7, 23).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal {

struct peer_address {
  std::array<std::uint8_t, 16> ip{};  // IPv4 uses the first 4 bytes, the rest stay zero
  bool v6 = false;
  std::uint16_t port = 0;

  // "1.2.3.4:6881" or "[::1]:6881".
  std::string to_string() const;
  // Inverse of to_string(); nullopt for anything else (host names included).
  static std::optional<peer_address> parse(std::string_view host_port);
  // A bare numeric IPv4 or IPv6 address (no brackets) plus a port; nullopt for host names.
  static std::optional<peer_address> from_ip(std::string_view ip, std::uint16_t port);
  // From BEP 23 compact bytes: 6 bytes (IPv4) or 18 bytes (IPv6), network byte order.
  static peer_address from_compact_v4(const unsigned char* six);
  static peer_address from_compact_v6(const unsigned char* eighteen);
  // The inverse: appends 6 bytes (IPv4) or 18 bytes (IPv6), network byte order (PEX, DHT).
  void append_compact(std::string& out) const;

  friend bool operator==(const peer_address&, const peer_address&) = default;
};

}  // namespace shoal
