#pragma once
// What a client tells a tracker (BEP 3), and the HTTP GET target that carries it.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/hash/sha1.hpp"

namespace shoal {

enum class announce_event { none, started, completed, stopped };

// "started", "completed", "stopped", or "" for none (the parameter is then omitted).
std::string_view event_name(announce_event e);

struct announce_request {
  sha1_digest info_hash;
  std::array<std::uint8_t, 20> peer_id{};
  std::uint16_t port = 0;
  std::int64_t uploaded = 0, downloaded = 0, left = 0;
  announce_event event = announce_event::none;
  int numwant = 50;        // negative: parameter omitted (tracker default)
  std::string key;         // omitted when empty
  std::string tracker_id;  // from an earlier reply; sent back as "trackerid" when set
  bool compact = true;
};

// The announce URL with the request appended as a percent-encoded query. An existing
// query in the URL is kept (joined with '&'); a fragment is dropped, since it is never sent.
std::string build_announce_target(std::string_view announce_url, const announce_request& req);

}  // namespace shoal
