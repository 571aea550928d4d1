#include "shoal/session/torrent_status.hpp"

#include <algorithm>

namespace shoal::session {

double torrent_status::progress() const {
  if (total_bytes <= 0) return state == torrent_state::checking ? 0.0 : 1.0;
  const auto part = state == torrent_state::checking ? checked_bytes : verified_bytes;
  return std::clamp(static_cast<double>(part) / static_cast<double>(total_bytes), 0.0, 1.0);
}

std::string_view to_string(session_event::kind k) {
  switch (k) {
    case session_event::kind::added: return "added";
    case session_event::kind::state_changed: return "state";
    case session_event::kind::pieces_verified: return "pieces";
    case session_event::kind::completed: return "completed";
    case session_event::kind::error: return "error";
    case session_event::kind::removed: return "removed";
    case session_event::kind::stats: return "stats";
  }
  return "unknown";
}

}  // namespace shoal::session
