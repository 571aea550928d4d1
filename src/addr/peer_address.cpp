#include "shoal/addr/peer_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace shoal {

std::string peer_address::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, ip.data(), buf, sizeof buf);
  std::string out;
  if (v6) {
    out.push_back('[');
    out += buf;
    out.push_back(']');
  } else {
    out += buf;
  }
  out.push_back(':');
  out += std::to_string(port);
  return out;
}

std::optional<peer_address> peer_address::from_ip(std::string_view ip, std::uint16_t port) {
  // inet_pton wants a NUL-terminated string; no address text is longer than this.
  char text[INET6_ADDRSTRLEN] = {};
  if (ip.empty() || ip.size() >= sizeof text) return std::nullopt;
  std::memcpy(text, ip.data(), ip.size());
  peer_address a;
  a.port = port;
  if (::inet_pton(AF_INET, text, a.ip.data()) == 1) return a;
  if (::inet_pton(AF_INET6, text, a.ip.data()) == 1) {
    a.v6 = true;
    return a;
  }
  return std::nullopt;
}

std::optional<peer_address> peer_address::parse(std::string_view host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = host_port.substr(0, colon);
  std::string_view port_text = host_port.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port_text.empty() ||
      port > 65535)
    return std::nullopt;
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  auto a = from_ip(host, static_cast<std::uint16_t>(port));
  // IPv6 needs its brackets and IPv4 must not have them, so to_string() round-trips.
  if (!a || a->v6 != bracketed) return std::nullopt;
  return a;
}

peer_address peer_address::from_compact_v4(const unsigned char* six) {
  peer_address a;
  std::memcpy(a.ip.data(), six, 4);
  a.port = static_cast<std::uint16_t>((six[4] << 8) | six[5]);
  return a;
}

peer_address peer_address::from_compact_v6(const unsigned char* eighteen) {
  peer_address a;
  a.v6 = true;
  std::memcpy(a.ip.data(), eighteen, 16);
  a.port = static_cast<std::uint16_t>((eighteen[16] << 8) | eighteen[17]);
  return a;
}

void peer_address::append_compact(std::string& out) const {
  out.append(reinterpret_cast<const char*>(ip.data()), v6 ? 16 : 4);
  out.push_back(static_cast<char>(port >> 8));
  out.push_back(static_cast<char>(port & 0xFF));
}

}  // namespace shoal
