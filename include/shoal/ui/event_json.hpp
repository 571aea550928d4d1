#pragma once
// --json: one JSON object per line on stdout, for scripts and the integration tests. Each has "event"; torrents
// are named by "id" (stable within the run), "info_hash" (hex) and "name". Boost.JSON stays in the .cpp.
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/session/torrent_status.hpp"

namespace shoal::ui {

// One line (no newline) for a session event.
std::string format_event_json(const session::session_event& e);
// {"event":"status", ...every field of the snapshot}.
std::string format_status_json(const session::torrent_status& s);
// Process-level lines: {"event":"listening","port":P} and {"event":"exit","code":C}.
std::string format_listening_json(std::uint16_t port);
std::string format_exit_json(int code);

}  // namespace shoal::ui
