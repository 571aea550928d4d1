#include "shoal/daemon/service_notify.hpp"

#include <string>

#ifdef SHOAL_HAVE_SD_NOTIFY
#include <systemd/sd-daemon.h>
#endif

namespace shoal::daemon {

namespace {

void send(const std::string& state) {
#ifdef SHOAL_HAVE_SD_NOTIFY
  // unset_environment = 0: a reload notifies again through the same socket.
  (void)sd_notify(0, state.c_str());
#else
  (void)state;
#endif
}

}  // namespace

bool service_notify_supported() {
#ifdef SHOAL_HAVE_SD_NOTIFY
  return true;
#else
  return false;
#endif
}

void notify_ready(std::string_view status) {
  std::string state = "READY=1";
  if (!status.empty()) state += "\nSTATUS=" + std::string(status);
  send(state);
}

void notify_reloading() { send("RELOADING=1\nSTATUS=reloading the configuration"); }

void notify_stopping() { send("STOPPING=1\nSTATUS=stopping the torrents"); }

}  // namespace shoal::daemon
