#include "shoal/storage/storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "shoal/storage/file_set.hpp"

namespace shoal {

struct storage::impl {
  impl(std::shared_ptr<const metainfo> meta, open_mode mo, unique_fd root_fd, const storage_options& o)
      : m(std::move(meta)),
        mode(mo),
        files(*m, std::move(root_fd), mo == open_mode::create ? open_intent::create : open_intent::read,
              o.max_open_files) {}

  std::shared_ptr<const metainfo> m;  // declared before files, which refers to it
  open_mode mode;
  file_set files;
};

namespace {

int resize(int fd, std::int64_t length) {
  int rc;
  do rc = ::ftruncate(fd, length);
  while (rc < 0 && errno == EINTR);
  return rc;
}

// fallocate(2) mode 0 (never posix_fallocate, which writes zeros where it is unsupported).
// Returns 0, or the errno; EOPNOTSUPP/ENOSYS mean the file system cannot, so the file stays sparse.
int reserve(int fd, std::int64_t length) {
  int rc;
  do rc = ::fallocate(fd, 0, 0, length);
  while (rc < 0 && errno == EINTR);
  return rc < 0 ? errno : 0;
}

error no_space(int fd, const std::filesystem::path& shown, std::int64_t length, std::int64_t allocated) {
  std::string line = "no space for " + shown.string() + ": preallocating its " + std::to_string(length) +
                     " bytes needs " + std::to_string(std::max<std::int64_t>(0, length - allocated)) + " more";
  struct statvfs vfs {};
  if (::fstatvfs(fd, &vfs) == 0)
    line += ", " + std::to_string(static_cast<std::int64_t>(vfs.f_bavail) * static_cast<std::int64_t>(vfs.f_frsize)) +
            " are free";
  return error{line};
}

// Seeding: the file must be there with its exact size. Leeching: set it to its final size, its blocks
// reserved when preallocating (a longer leftover is cut: the caller judged it Shoal's to cut).
status prepare_file(fd_cache& cache, const file_entry& f, int index, storage::open_mode mode,
                    const std::filesystem::path& root, bool preallocate) {
  auto fd = cache.get(index);
  if (!fd) return fd.err();
  const int h = (*fd)->get();
  struct stat st {};
  if (::fstat(h, &st) < 0) return error{"stat " + f.path() + ": " + errno_text(errno)};
  if (mode == storage::open_mode::read_only) {
    if (st.st_size == f.length) return ok();
    return error{f.path() + ": size " + std::to_string(st.st_size) + ", expected " + std::to_string(f.length)};
  }
  if (st.st_size > f.length && resize(h, f.length) < 0)
    return error{"resize " + f.path() + " to " + std::to_string(f.length) + ": " + errno_text(errno)};
  if (preallocate && f.length > 0) {
    const int err = reserve(h, f.length);
    if (err == 0) return ok();
    if (err == ENOSPC) return no_space(h, root / f.path(), f.length, static_cast<std::int64_t>(st.st_blocks) * 512);
    if (err != EOPNOTSUPP && err != ENOSYS)
      return error{"preallocate " + f.path() + " (" + std::to_string(f.length) + " bytes): " + errno_text(err)};
  }
  if (st.st_size < f.length && resize(h, f.length) < 0)
    return error{"resize " + f.path() + " to " + std::to_string(f.length) + ": " + errno_text(errno)};
  return ok();
}

// What the storage reads and writes by: the layout and the piece hashes. Not the info dictionary's bytes, the
// trackers or the comment, which the caller keeps anyway (a daemon holds thousands of storages).
std::shared_ptr<const metainfo> layout_of(const metainfo& m) {
  auto l = std::make_shared<metainfo>();
  l->info_hash = m.info_hash;
  l->name = m.name;
  l->piece_length = m.piece_length;
  l->total_length = m.total_length;
  l->piece_hashes = std::string(m.pieces());
  l->files = m.files;
  l->multi_file = m.multi_file;
  return l;
}

}  // namespace

result<storage> storage::open(const metainfo& m, const std::filesystem::path& root, open_mode mode,
                              const storage_options& options) {
  if (auto s = file_set::check_layout(m); !s) return s.err();  // before the copy
  return open(layout_of(m), root, mode, options);
}

result<storage> storage::open(std::shared_ptr<const metainfo> m, const std::filesystem::path& root, open_mode mode,
                              const storage_options& options) {
  if (auto s = file_set::check_layout(*m); !s) return s.err();
  const auto intent = mode == open_mode::create ? open_intent::create : open_intent::read;
  auto root_fd = open_root(root.string(), intent);
  if (!root_fd) return root_fd.err();
  auto p = std::make_unique<impl>(std::move(m), mode, std::move(*root_fd), options);
  for (std::size_t i = 0; i < p->m->files.size(); ++i) {
    const auto& f = p->m->files[i];
    if (!on_disk(f)) continue;
    if (auto s = prepare_file(p->files.cache(), f, static_cast<int>(i), mode, root, options.preallocate); !s)
      return s.err();
  }
  return storage(std::move(p));
}

storage::storage(std::unique_ptr<impl> p) : p_(std::move(p)) {}
storage::storage(storage&&) noexcept = default;
storage& storage::operator=(storage&&) noexcept = default;
storage::~storage() = default;

status storage::read(int piece, std::int64_t offset, std::span<std::byte> out) const {
  return p_->files.read(piece, offset, out);
}

void storage::close_files() { p_->files.cache().close_all(); }

std::size_t storage::open_files() const { return p_->files.cache().open_count(); }

status storage::write(int piece, std::int64_t offset, std::span<const std::byte> data) {
  if (p_->mode == open_mode::read_only) return error{"write: " + p_->m->name + " is opened read-only"};
  return p_->files.write(piece, offset, data);
}

result<bool> storage::verify_piece(int piece, std::span<std::byte> scratch) const {
  arrival_hash nothing_yet;
  return verify_piece(piece, nothing_yet, scratch);
}

result<bool> storage::verify_piece(int piece, arrival_hash& arrived, std::span<std::byte> scratch) const {
  const std::int64_t size = p_->m->piece_size(piece);
  if (piece < 0 || piece >= p_->m->piece_count() || size <= 0)
    return error{error_code::invalid_data, "verify: piece " + std::to_string(piece) + " out of range"};
  if (arrived.hashed() < size) {
    auto read = p_->files.hash_rest(piece, arrived.hashed(), arrived.hasher(), scratch);
    if (!read) return read.err();
    if (!*read) {
      arrived.hasher().final();
      return error{error_code::io, "verify: piece " + std::to_string(piece) + ": a file is shorter than the torrent says"};
    }
  }
  return arrived.hasher().final() == p_->m->piece_hash(piece);
}

status storage::sync() { return p_->files.sync(); }

const metainfo& storage::meta() const noexcept { return *p_->m; }
storage::open_mode storage::mode() const noexcept { return p_->mode; }

}  // namespace shoal
