#pragma once
// Tells the service manager what shoald is doing: systemd's notify protocol (sd_notify(3); the unit is
// Type=notify), spoken by shoald itself rather than through libsystemd, whose library and the ones it pulls
// in (libgcrypt, compression) cost about 0.7 MB resident for these few datagrams. Outside systemd (no
// NOTIFY_SOCKET) each call does nothing, so the daemon calls them unconditionally.
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal::daemon {

// One datagram of newline-separated KEY=VALUE fields to the AF_UNIX socket $NOTIFY_SOCKET names: a path,
// or an abstract socket when it starts with '@'. ok() without sending when NOTIFY_SOCKET is unset or empty;
// an error naming the socket and the system's reason when it cannot be sent.
status service_notify(std::string_view state);

// READY=1: the peer port and the RPC listen and the saved torrents are back; `systemctl start` returns now.
void notify_ready(std::string_view status);
// RELOADING=1 before a SIGHUP reload, then notify_ready again after it.
void notify_reloading();
// STOPPING=1: the torrents are being stopped (stopped announces, resume data).
void notify_stopping();

}  // namespace shoal::daemon
