#include "shoal/daemon/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

namespace shoal::daemon {

namespace {

std::string with_errno(std::string_view what, std::string_view socket_name) {
  return std::string(what) + " NOTIFY_SOCKET " + std::string(socket_name) + ": " + std::strerror(errno);
}

void send_logged(std::string_view state) {
  // The service manager waits for READY=1 until its timeout: say why it will not come.
  if (auto s = service_notify(state); !s) spdlog::warn("service manager notification: {}", s.message());
}

}  // namespace

status service_notify(std::string_view state) {
  const char* env = std::getenv("NOTIFY_SOCKET");
  if (!env || !*env) return ok();
  const std::string_view name(env);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  socklen_t size = 0;
  if (name.front() == '/') {
    if (name.size() >= sizeof(addr.sun_path))
      return error{error_code::invalid_data,
                   "NOTIFY_SOCKET: the path is longer than a unix socket address allows"};
    std::memcpy(addr.sun_path, name.data(), name.size());
    size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
  } else if (name.front() == '@') {
    // Abstract namespace: a leading NUL, then the name; the address length bounds it (no terminating NUL).
    if (name.size() > sizeof(addr.sun_path))
      return error{error_code::invalid_data,
                   "NOTIFY_SOCKET: the abstract name is longer than a unix socket address allows"};
    std::memcpy(addr.sun_path + 1, name.data() + 1, name.size() - 1);
    size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  } else {
    return error{error_code::invalid_data, "NOTIFY_SOCKET " + std::string(name) +
                                               ": neither an absolute path nor an abstract name (@...)"};
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return error{error_code::io, with_errno("socket for", name)};
  const ssize_t sent =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), size);
  const std::string failure = sent < 0 ? with_errno("sendto", name) : std::string();
  ::close(fd);
  if (sent < 0) return error{error_code::io, failure};
  if (static_cast<std::size_t>(sent) != state.size())
    return error{error_code::io,
                 "sendto NOTIFY_SOCKET " + std::string(name) + ": the datagram was cut short"};
  return ok();
}

void notify_ready(std::string_view status) {
  std::string state = "READY=1";
  if (!status.empty()) state += "\nSTATUS=" + std::string(status);
  send_logged(state);
}

void notify_reloading() {
  send_logged("RELOADING=1\nSTATUS=reloading the configuration");
}

void notify_stopping() {
  send_logged("STOPPING=1\nSTATUS=stopping the torrents");
}

}  // namespace shoal::daemon
