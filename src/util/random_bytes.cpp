#include "shoal/util/random_bytes.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace shoal {

status random_bytes(void* out, std::size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    // Above 256 bytes the kernel may return fewer bytes than asked, or stop for a signal.
    const ssize_t got = ::getrandom(p, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return error{error_code::io, std::string("getrandom: ") + std::strerror(errno)};
    }
    p += got;
    size -= static_cast<std::size_t>(got);
  }
  return ok();
}

}  // namespace shoal
