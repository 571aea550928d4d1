#pragma once
// An announce (BEP 3): what a client tells a tracker. One struct for both sides: a client fills it and
// builds the HTTP GET target (or the BEP 15 packet, udp_tracker_packets.hpp); a tracker parses the query
// (or the packet) into it.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

enum class announce_event : std::uint8_t { none, started, completed, stopped };

// "started", "completed", "stopped", or "" for none (the parameter is then omitted).
std::string_view event_name(announce_event e);

using peer_id_bytes = std::array<std::uint8_t, 20>;

struct announce_request {
  sha1_digest info_hash;
  peer_id_bytes peer_id{};
  std::uint16_t port = 0;
  std::int64_t uploaded = 0, downloaded = 0, left = 0;
  announce_event event = announce_event::none;
  int numwant = 50;        // negative: not sent (the tracker applies its default)
  bool compact = true;     // BEP 23; a parsed query without it asked for the BEP 3 list of dictionaries
  bool no_peer_id = false;
  std::string key;         // omitted when empty; a parsed query keeps it as sent (percent-encoded)
  std::string tracker_id;  // from an earlier response; sent back as "trackerid" when set
  std::string ip;          // parsed only (raw); used only when the tracker allows the ip parameter
};

// ---- Client side ----

// The announce URL with the request appended as a percent-encoded query. An existing
// query in the URL is kept (joined with '&'); a fragment is dropped, since it is never sent.
std::string build_announce_target(std::string_view announce_url, const announce_request& req);

// ---- Tracker side ----

// The query of GET /announce?... Required: info_hash and peer_id (20 raw bytes each,
// percent-encoded), port (1-65535) and left. uploaded and downloaded default to 0, numwant to
// -1 (not sent), compact to false. A repeated parameter, a bad escape, a wrong length or a value
// out of range is an error naming the parameter. Unknown parameters are ignored.
result<announce_request> parse_announce_request(std::string_view query);

}  // namespace shoal
