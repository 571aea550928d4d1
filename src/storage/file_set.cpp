#include "shoal/storage/file_set.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shoal {

namespace {

error io_failure(std::string_view op, const file_entry& f, std::int64_t at, std::string why) {
  return error{error_code::io, std::string(op) + " " + f.path() + " at offset " + std::to_string(at) + ": " + std::move(why)};
}

}  // namespace

file_set::file_set(const metainfo& m, unique_fd root, open_intent intent, std::size_t max_open_files)
    : m_(m),
      root_(std::move(root)),
      cache_(m.files.size(), max_open_files,
             [this, intent](int file) {
               return open_confined(root_.get(), m_.files[static_cast<std::size_t>(file)].components, intent);
             }),
      dirty_(new std::atomic<bool>[m.files.size()]) {
  for (std::size_t i = 0; i < m.files.size(); ++i) dirty_[i] = false;
}

status file_set::check_layout(const metainfo& m) {
  if (m.piece_length <= 0) return error{"torrent: piece length " + std::to_string(m.piece_length)};
  std::int64_t next = 0;
  for (const auto& f : m.files) {
    if (f.offset != next || f.length < 0)
      return error{"torrent: file " + f.path() + " at offset " + std::to_string(f.offset) + ", expected " +
                   std::to_string(next)};
    if (f.components.empty()) return error{"torrent: file with an empty path"};
    next += f.length;
  }
  if (next != m.total_length)
    return error{"torrent: files add up to " + std::to_string(next) + " bytes, total is " +
                 std::to_string(m.total_length)};
  const std::int64_t pieces = block_geometry::pieces_for(m.total_length, m.piece_length);
  if (pieces != m.piece_count() || m.pieces().size() % 20 != 0)
    return error{"torrent: " + std::to_string(m.piece_count()) + " piece hashes for " + std::to_string(pieces) +
                 " pieces"};
  return ok();
}

std::size_t file_set::first_file_at(std::int64_t pos) const {
  auto it = std::upper_bound(m_.files.begin(), m_.files.end(), pos,
                             [](std::int64_t p, const file_entry& f) { return p < f.offset + f.length; });
  return static_cast<std::size_t>(it - m_.files.begin());
}

status file_set::check_range(std::string_view op, int piece, std::int64_t offset, std::int64_t length) const {
  const std::int64_t size = m_.piece_size(piece);
  if (piece < 0 || piece >= m_.piece_count())
    return error{std::string(op) + ": piece " + std::to_string(piece) + " out of range (" +
                 std::to_string(m_.piece_count()) + " pieces)"};
  if (offset < 0 || length < 0 || offset > size || length > size - offset)
    return error{std::string(op) + ": range " + std::to_string(offset) + "+" + std::to_string(length) +
                 " outside piece " + std::to_string(piece) + " (" + std::to_string(size) + " bytes)"};
  return ok();
}

status file_set::read(int piece, std::int64_t offset, std::span<std::byte> out, bool* short_file) {
  const auto length = static_cast<std::int64_t>(out.size());
  if (auto s = check_range("read", piece, offset, length); !s) return s;
  return for_each_slice(piece, offset, length, [&](int i, std::int64_t at, std::int64_t pos, std::int64_t n) -> status {
    const file_entry& f = m_.files[static_cast<std::size_t>(i)];
    std::byte* dst = out.data() + pos;
    if (!on_disk(f)) {
      std::memset(dst, 0, static_cast<std::size_t>(n));
      return ok();
    }
    auto fd = cache_.get(i);
    if (!fd) return fd.err();
    while (n > 0) {
      const ssize_t got = ::pread((*fd)->get(), dst, static_cast<std::size_t>(n), at);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return io_failure("read", f, at, errno_text(errno));
      if (got == 0) {
        if (short_file) *short_file = true;
        return io_failure("read", f, at, "unexpected end of file (truncated?)");
      }
      dst += got;
      at += got;
      n -= got;
    }
    return ok();
  });
}

result<bool> file_set::hash_rest(int piece, std::int64_t from, sha1_hasher& hasher, std::span<std::byte> scratch) {
  if (scratch.empty()) return error{"hash piece " + std::to_string(piece) + ": no scratch buffer"};
  const std::int64_t size = m_.piece_size(piece);
  for (std::int64_t at = from; at < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(size - at, static_cast<std::int64_t>(scratch.size())));
    bool short_file = false;
    if (auto s = read(piece, at, scratch.first(n), &short_file); !s) {
      if (short_file) return false;
      return s.err();
    }
    hasher.update(scratch.data(), n);
    at += static_cast<std::int64_t>(n);
  }
  return true;
}

status file_set::write(int piece, std::int64_t offset, std::span<const std::byte> data) {
  const auto length = static_cast<std::int64_t>(data.size());
  if (auto s = check_range("write", piece, offset, length); !s) return s;
  return for_each_slice(piece, offset, length, [&](int i, std::int64_t at, std::int64_t pos, std::int64_t n) -> status {
    const file_entry& f = m_.files[static_cast<std::size_t>(i)];
    if (!on_disk(f)) return ok();
    auto fd = cache_.get(i);
    if (!fd) return fd.err();
    const std::byte* src = data.data() + pos;
    dirty_[static_cast<std::size_t>(i)].store(true, std::memory_order_relaxed);
    while (n > 0) {
      const ssize_t put = ::pwrite((*fd)->get(), src, static_cast<std::size_t>(n), at);
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) return io_failure("write", f, at, errno_text(errno));
      src += put;
      at += put;
      n -= put;
    }
    return ok();
  });
}

status file_set::sync() {
  for (std::size_t i = 0; i < m_.files.size(); ++i) {
    if (!dirty_[i].exchange(false)) continue;
    auto fd = cache_.get(static_cast<int>(i));
    if (!fd) return fd.err();
    if (::fsync((*fd)->get()) < 0) {
      dirty_[i] = true;
      return error{"sync " + m_.files[i].path() + ": " + errno_text(errno)};
    }
  }
  return ok();
}

}  // namespace shoal
