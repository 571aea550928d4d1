#pragma once
// Bencoded tracker replies written by hand into a caller's reused buffer: announce
// (BEP 3, compact BEP 23, peers6 BEP 7), scrape (BEP 48) and failure.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"

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

// Appends the reply to `out`. compact: IPv4 peers in "peers" (6 bytes each) and IPv6
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
