#pragma once
// A tracker's answer to an announce (BEP 3, 7, 23). Client side: the decoded response. Tracker side:
// bencoded responses written by hand into a caller's reused buffer: announce (compact BEP 23, peers6
// BEP 7), scrape (BEP 48) and failure.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"
#include "shoal/addr/peer_address.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// ---- Client side ----

struct announce_response {
  std::int64_t interval = 1800;  // seconds until the next regular announce
  std::optional<std::int64_t> min_interval;
  std::optional<std::int64_t> complete, incomplete;  // seeders, leechers
  std::string tracker_id;
  std::string warning;
  std::vector<peer_address> peers;  // compact, dictionary and peers6 entries together
};

// Bodies larger than this are refused before decoding.
inline constexpr std::size_t max_announce_response_size = std::size_t{1} << 20;

// A "failure reason" becomes an error whose message starts with "tracker failure: " and
// carries the tracker's text. Wrongly typed fields and truncated compact strings are
// errors naming the field. Dictionary peers whose "ip" is a host name, and peers with
// port 0, are skipped: they cannot be connected to by address.
result<announce_response> parse_announce_response(std::string_view body);

// A tracker's "failure reason" (HTTP or UDP): the tracker refused the request and says why.
inline constexpr std::string_view tracker_failure_prefix = "tracker failure: ";
inline bool is_tracker_refusal(std::string_view message) { return message.starts_with(tracker_failure_prefix); }

}  // namespace shoal

// ---- Tracker side ----

namespace shoal::tracker {

using ip_bytes = std::array<std::uint8_t, 16>;  // IPv4 uses the first 4 bytes

struct swarm_peer {
  peer_id_bytes id{};
  ip_bytes ip{};
  bool v6 = false;
  std::uint16_t port = 0;
};

struct swarm_counts {
  std::int64_t complete = 0;    // seeders
  std::int64_t incomplete = 0;  // leechers
  std::int64_t downloaded = 0;  // completed events seen
};

struct announce_response_head {
  std::int64_t interval = 1800;
  std::int64_t min_interval = 900;
  swarm_counts counts;
};

// Appends the response to `out`. compact: IPv4 peers in "peers" (6 bytes each) and IPv6
// peers in "peers6" (18 bytes each); otherwise one "peers" list of dictionaries.
void write_announce_response(std::string& out, const announce_response_head& head,
                             std::span<const swarm_peer> peers, bool compact,
                             bool include_peer_id);

void write_failure_response(std::string& out, std::string_view reason);

struct scrape_file {
  sha1_digest info_hash;
  swarm_counts counts;
};

// Sorts `files` by info-hash (bencode keys must be in order), drops duplicates, appends.
void write_scrape_response(std::string& out, std::vector<scrape_file>& files);

// "1.2.3.4" or "2001:db8::1".
std::string ip_to_string(const ip_bytes& ip, bool v6);

}  // namespace shoal::tracker
