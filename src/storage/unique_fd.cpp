#include "shoal/storage/unique_fd.hpp"

#include <unistd.h>

#include <cstring>

namespace shoal {

void unique_fd::reset() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r may return a static string instead of filling buf.
  return ::strerror_r(err, buf, sizeof(buf));
}

}  // namespace shoal
