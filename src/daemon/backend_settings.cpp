// session-set: the settings the RPC may change while the daemon runs (until the next start: the config file is
// not rewritten).
#include "shoald.hpp"

#include <algorithm>

namespace fs = std::filesystem;

namespace shoal::daemon {

status shoald::apply(const rpc::session_settings& s) {
  if (!fs::path(s.download_dir).is_absolute())
    return error{error_code::invalid_data, "download-dir '" + s.download_dir + "': not an absolute path"};
  settings_.download_dir = s.download_dir;
  settings_.speed_limit_down = s.speed_limit_down;
  settings_.speed_limit_up = s.speed_limit_up;
  settings_.speed_limit_down_enabled = s.speed_limit_down_enabled;
  settings_.speed_limit_up_enabled = s.speed_limit_up_enabled;
  settings_.alt_speed_down = s.alt_speed_down;
  settings_.alt_speed_up = s.alt_speed_up;
  settings_.alt_speed_enabled = s.alt_speed_enabled;
  settings_.peer_limit_global = s.peer_limit_global;
  settings_.peer_limit_per_torrent = s.peer_limit_per_torrent;
  apply_totals();
  return ok();
}

// The global speed and peer limits of the flags and the config file (at start, and at a SIGHUP that changed them).
void shoald::take_global_limits(const daemon_options& o) {
  settings_.speed_limit_down = o.speed_limit_down;
  settings_.speed_limit_up = o.speed_limit_up;
  settings_.speed_limit_down_enabled = o.speed_limit_down > 0;
  settings_.speed_limit_up_enabled = o.speed_limit_up > 0;
  settings_.peer_limit_global = o.peer_limit_global;
}

// The session's limits over every torrent from the settings (the turtle limits win while enabled). The per-torrent
// peer limit is for torrents added from now on, as in Transmission.
void shoald::apply_totals() {
  const auto& s = settings_;
  const auto down = s.alt_speed_enabled ? rate_of(true, s.alt_speed_down) : rate_of(s.speed_limit_down_enabled, s.speed_limit_down);
  const auto up = s.alt_speed_enabled ? rate_of(true, s.alt_speed_up) : rate_of(s.speed_limit_up_enabled, s.speed_limit_up);
  session_.set_total_limits(down, up, static_cast<std::size_t>(std::max<std::int64_t>(0, s.peer_limit_global)));
}

}  // namespace shoal::daemon
