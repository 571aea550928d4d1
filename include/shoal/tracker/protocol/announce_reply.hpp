#pragma once
// A tracker's answer to an announce (BEP 3, 7, 23), decoded from the HTTP body.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/tracker/protocol/peer_address.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

struct announce_reply {
  std::int64_t interval = 1800;  // seconds until the next regular announce
  std::optional<std::int64_t> min_interval;
  std::optional<std::int64_t> complete, incomplete;  // seeders, leechers
  std::string tracker_id;
  std::string warning;
  std::vector<peer_address> peers;  // compact, dictionary and peers6 entries together
};

// Bodies larger than this are refused before decoding.
inline constexpr std::size_t max_announce_reply_size = std::size_t{1} << 20;

// A "failure reason" becomes an error whose message starts with "tracker failure: " and
// carries the tracker's text. Wrongly typed fields and truncated compact strings are
// errors naming the field. Dictionary peers whose "ip" is a host name, and peers with
// port 0, are skipped: they cannot be connected to by address.
result<announce_reply> parse_announce_reply(std::string_view body);

// A tracker's "failure reason" (HTTP or UDP): the tracker refused the request and says why.
inline constexpr std::string_view tracker_failure_prefix = "tracker failure: ";
inline bool is_tracker_refusal(std::string_view message) { return message.starts_with(tracker_failure_prefix); }

}  // namespace shoal
