#include "shoal/util/atomic_write.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace shoal {

namespace {

std::string failure(const std::filesystem::path& p, const char* what, int err) {
  return "'" + p.string() + "': " + what + ": " + std::strerror(err);
}

status write_all(int fd, const std::filesystem::path& p, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return error{failure(p, "write failed", errno)};
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return error{failure(p, "fsync failed", errno)};
  return ok();
}

// A name no other writer (thread or process) picks: pid plus a per-process counter.
std::filesystem::path temp_name(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  auto name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter.fetch_add(1));
  return target.parent_path() / name;
}

}  // namespace

status write_file_atomically(const std::filesystem::path& target, std::string_view bytes, bool overwrite) {
  if (!overwrite && ::access(target.c_str(), F_OK) == 0)
    return error{"'" + target.string() + "' already exists (use --force to overwrite)"};
  const auto temp = temp_name(target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return error{failure(temp, "cannot create", errno)};
  status s = write_all(fd, temp, bytes);
  if (::close(fd) != 0 && s) s = error{failure(temp, "close failed", errno)};
  if (s) {
    const int rc = overwrite ? ::rename(temp.c_str(), target.c_str())
                             : ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE);
    if (rc != 0)
      s = error{errno == EEXIST ? "'" + target.string() + "' already exists (use --force to overwrite)"
                                : failure(target, "cannot rename into place", errno)};
  }
  if (!s) ::unlink(temp.c_str());
  return s;
}

}  // namespace shoal
