#pragma once
// BEP 11 ut_pex messages: peers a neighbour connected to (added, with flags) and dropped,
// as compact IPv4 (6 bytes) and IPv6 (18 bytes) lists. Pure: payload bytes in, struct out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/addr/peer_address.hpp"
#include "shoal/util/result.hpp"

namespace shoal::wire::ext {

// added.f bits (BEP 11 and libtorrent's use of them).
namespace pex_flag {
inline constexpr std::uint8_t prefers_encryption = 0x01;
inline constexpr std::uint8_t seed = 0x02;
inline constexpr std::uint8_t supports_utp = 0x04;
inline constexpr std::uint8_t supports_holepunch = 0x08;
inline constexpr std::uint8_t reachable = 0x10;
}  // namespace pex_flag

struct pex_peer {
  peer_address address;
  std::uint8_t flags = 0;
  friend bool operator==(const pex_peer&, const pex_peer&) = default;
};

struct pex_message {
  std::vector<pex_peer> added;         // IPv4 then IPv6
  std::vector<peer_address> dropped;   // IPv4 then IPv6
  std::size_t skipped = 0;             // entries beyond the caps, or with port 0: not kept
};

struct pex_limits {
  std::size_t max_payload = 64 * 1024;  // larger messages are refused before decoding
  std::size_t max_added = 200;          // per message, IPv4 and IPv6 together; more are skipped
  std::size_t max_dropped = 200;
};

// Refused: garbage bencode, not a dictionary, a list that is not a string, a compact list
// whose length is not a multiple of 6 (or 18), an added.f whose length is not the number of
// added peers. Entries past the caps are counted in `skipped`, never stored.
result<pex_message> decode_pex(std::string_view payload, const pex_limits& limits = {});

// added/added.f/dropped and added6/added6.f/dropped6; empty lists are still present (as
// libtorrent sends them).
std::string encode_pex(const pex_message& m);

}  // namespace shoal::wire::ext
