#include "shoal/storage/confined_open.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace shoal {

namespace {

std::string join(const std::vector<std::string>& components, std::size_t upto) {
  std::string out;
  for (std::size_t i = 0; i < upto && i < components.size(); ++i) {
    if (i) out += '/';
    out += components[i];
  }
  return out;
}

error fail(int err, int* err_out, std::string message) {
  if (err_out) *err_out = err;
  return error{std::move(message)};
}

error os_fail(int err, int* err_out, std::string_view op, const std::string& path) {
  if (err == ELOOP)
    return fail(err, err_out, std::string(op) + " " + path + ": is a symbolic link (refusing to leave the output folder)");
  return fail(err, err_out, std::string(op) + " " + path + ": " + errno_text(err));
}

int open_dir_at(int parent, const std::string& name) {
  int fd;
  do fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  return fd;
}

}  // namespace

std::string_view unsafe_component(std::string_view c) {
  if (c.empty()) return "empty path component";
  if (c == "." || c == "..") return "path component \".\" or \"..\"";
  if (c.find('/') != std::string_view::npos) return "'/' inside a path component";
  if (c.find('\0') != std::string_view::npos) return "NUL inside a path component";
  return {};
}

result<unique_fd> open_root(const std::string& root, open_intent intent, int* err_out) {
  if (intent == open_intent::create) {
    std::error_code ec;
    std::filesystem::create_directories(root, ec);
    if (ec) return fail(ec.value(), err_out, "create folder " + root + ": " + ec.message());
  }
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return os_fail(errno, err_out, "open folder", root);
  return unique_fd(fd);
}

result<unique_fd> open_confined(int root_fd, const std::vector<std::string>& components, open_intent intent,
                                int* err_out) {
  const std::string path = join(components, components.size());
  if (components.empty()) return fail(EINVAL, err_out, "open: empty path");
  for (const auto& c : components)
    if (auto why = unsafe_component(c); !why.empty())
      return fail(EINVAL, err_out, "open " + path + ": " + std::string(why));

  unique_fd dir;  // the current parent; root_fd (not owned) while empty
  for (std::size_t i = 0; i + 1 < components.size(); ++i) {
    const int parent = dir ? dir.get() : root_fd;
    int fd = open_dir_at(parent, components[i]);
    if (fd < 0 && errno == ENOENT && intent == open_intent::create) {
      if (::mkdirat(parent, components[i].c_str(), 0755) < 0 && errno != EEXIST)
        return os_fail(errno, err_out, "create folder", join(components, i + 1));
      fd = open_dir_at(parent, components[i]);
    }
    if (fd < 0) {
      const int err = errno;
      // A symlinked folder fails with ELOOP or ENOTDIR depending on the kernel: say which it is.
      struct stat st {};
      if (::fstatat(parent, components[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        return os_fail(ELOOP, err_out, "open folder", join(components, i + 1));
      return os_fail(err, err_out, "open folder", join(components, i + 1));
    }
    dir = unique_fd(fd);
  }

  // O_NONBLOCK: opening a FIFO planted in the folder must not hang (it is refused below).
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  flags |= intent == open_intent::read ? O_RDONLY : O_RDWR;
  if (intent == open_intent::create) flags |= O_CREAT;
  const int parent = dir ? dir.get() : root_fd;
  int fd;
  do fd = ::openat(parent, components.back().c_str(), flags, 0644);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return os_fail(errno, err_out, intent == open_intent::create ? "create" : "open", path);
  unique_fd file(fd);
  struct stat st {};
  if (::fstat(fd, &st) < 0) return os_fail(errno, err_out, "stat", path);
  if (!S_ISREG(st.st_mode)) return fail(EINVAL, err_out, "open " + path + ": not a regular file");
  return file;
}

result<std::int64_t> confined_size(int root_fd, const std::vector<std::string>& components) {
  int err = 0;
  auto fd = open_confined(root_fd, components, open_intent::read, &err);
  if (!fd) {
    if (err == ENOENT || err == ENOTDIR) return std::int64_t{-1};
    return fd.err();
  }
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return os_fail(errno, nullptr, "stat", join(components, components.size()));
  return static_cast<std::int64_t>(st.st_size);
}

}  // namespace shoal
