#pragma once
// The query of a BEP 3 announce (GET /announce?...), parsed in place: string fields are
// views into the query, so parsing allocates nothing unless it fails.
#include <array>
#include <cstdint>
#include <string_view>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"

namespace shoal::tracker {

enum class peer_event : std::uint8_t { none, started, completed, stopped };

using peer_id_bytes = std::array<std::uint8_t, 20>;

struct announce_query {
  sha1_digest info_hash;
  peer_id_bytes peer_id{};
  std::uint16_t port = 0;
  std::int64_t uploaded = 0;
  std::int64_t downloaded = 0;
  std::int64_t left = 0;
  peer_event event = peer_event::none;
  int numwant = -1;          // -1: not sent (the server applies its default)
  bool compact = false;      // BEP 23; absent means the BEP 3 list of dictionaries
  bool no_peer_id = false;
  std::string_view key;      // raw (percent-encoded) view into the query
  std::string_view ip;       // raw; used only when the server allows the ip parameter
};

// Required: info_hash and peer_id (20 raw bytes each, percent-encoded), port (1-65535)
// and left. uploaded and downloaded default to 0. A repeated parameter, a bad escape,
// a wrong length or a value out of range is an error naming the parameter. Unknown
// parameters are ignored.
result<announce_query> parse_announce_query(std::string_view query);

}  // namespace shoal::tracker
