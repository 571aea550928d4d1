// session-set: the settings the RPC may change while the daemon runs.
#include "shoald.hpp"

namespace fs = std::filesystem;

namespace shoal::daemon {

status shoald::apply(const rpc::session_settings& s) {
  if (s.speed_limit_down != settings_.speed_limit_down || s.speed_limit_up != settings_.speed_limit_up ||
      s.speed_limit_down_enabled != settings_.speed_limit_down_enabled ||
      s.speed_limit_up_enabled != settings_.speed_limit_up_enabled || s.peer_limit_global != settings_.peer_limit_global)
    return error{error_code::invalid_data,
                 "speed-limit-* and peer-limit-global are set at start (flags or config file) in this version"};
  if (!fs::path(s.download_dir).is_absolute())
    return error{error_code::invalid_data, "download-dir '" + s.download_dir + "': not an absolute path"};
  settings_.download_dir = s.download_dir;
  settings_.peer_limit_per_torrent = s.peer_limit_per_torrent;
  return ok();
}

}  // namespace shoal::daemon
