#pragma once
// Tells the service manager what shoald is doing (systemd's sd_notify: the unit is Type=notify when Shoal was
// built with Debian's libsystemd-dev). Outside systemd (no NOTIFY_SOCKET) and in builds without libsystemd each
// call does nothing, so the daemon calls them unconditionally.
#include <string_view>

namespace shoal::daemon {

// True when this build can notify (it was linked with libsystemd); the unit file's Type follows it.
bool service_notify_supported();

// READY=1: the peer port and the RPC listen and the saved torrents are back; `systemctl start` returns now.
void notify_ready(std::string_view status);
// RELOADING=1 before a SIGHUP reload, then notify_ready again after it.
void notify_reloading();
// STOPPING=1: the torrents are being stopped (stopped announces, resume data).
void notify_stopping();

}  // namespace shoal::daemon
