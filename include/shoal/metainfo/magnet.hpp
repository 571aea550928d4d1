#pragma once
// Magnet URIs (BEP 9): magnet:?xt=urn:btih:HASH&dn=NAME&tr=URL&x.pe=HOST:PORT. Pure: text in, struct out.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/addr/peer_address.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

struct magnet_link {
  sha1_digest info_hash;              // from xt=urn:btih: (40 hex or 32 base32 digits)
  std::string name;                   // dn, decoded; empty when absent
  std::vector<std::string> trackers;  // tr (and tr.N), decoded, in order, without duplicates
  std::vector<peer_address> peers;    // x.pe with a numeric IPv4 or [IPv6] address
  std::vector<std::string> peer_hosts;  // x.pe with a host name, kept as "HOST:PORT" for a resolver
};

// Longer URIs are refused before parsing (real ones with a hundred trackers stay under 16 KiB).
inline constexpr std::size_t max_magnet_size = 256 * 1024;

// A urn:btmh (BitTorrent v2) magnet without a btih is refused; the message starts with this
// prefix so a caller can tell "valid but unsupported" from "malformed".
inline constexpr std::string_view magnet_v2_unsupported_prefix = "xt: BitTorrent v2 (urn:btmh)";
inline bool is_magnet_v2_refusal(std::string_view message) {
  return message.starts_with(magnet_v2_unsupported_prefix);
}

// Values are percent-decoded and '+' reads as a space (form encoding, as browsers and
// libtorrent read it). Parameter names compare case-insensitively; unknown ones are ignored.
// Errors name the parameter ("x.pe: ...", "xt: ..."): a bad percent-escape, a malformed
// info-hash, two different btih hashes, a bad peer address or port, no btih at all.
result<magnet_link> parse_magnet(std::string_view uri);

// True when the text starts with "magnet:" (any case): lets a tool accept a file or a magnet.
bool looks_like_magnet(std::string_view text);

// The inverse: xt with the hex info-hash, then dn, tr and x.pe (host names as given), every
// value percent-encoded. parse_magnet(make_magnet(m)) gives m back.
std::string make_magnet(const magnet_link& link);

}  // namespace shoal
