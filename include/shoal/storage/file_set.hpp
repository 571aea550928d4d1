#pragma once
// The files of one torrent under an open output folder: maps a piece's byte range onto files
// and reads or writes it with pread/pwrite through an fd cache. Shared by storage and the
// resume check; the metainfo must outlive it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/confined_open.hpp"
#include "shoal/storage/fd_cache.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// Pad files and symlinks take no place on disk.
inline bool on_disk(const file_entry& f) { return !f.pad && !f.symlink; }

class file_set {
 public:
  file_set(const metainfo& m, unique_fd root, open_intent intent, std::size_t max_open_files);
  file_set(const file_set&) = delete;  // the fd cache's opener points back here
  file_set& operator=(const file_set&) = delete;

  // The metainfo's geometry is consistent (files contiguous from 0 to total_length, piece count
  // matching): checked once so that every in-piece range maps wholly onto files.
  static status check_layout(const metainfo& m);

  // Pad files read as zeros. short_file (optional) is set when a file ended early (truncated).
  status read(int piece, std::int64_t offset, std::span<std::byte> out, bool* short_file = nullptr);
  // SHA-1 input: feeds the piece's bytes [from, piece size) to hasher, read through scratch (any size > 0).
  // false (not an error) when a file ended early; the hasher is then left mid-piece (call final() to reset).
  result<bool> hash_rest(int piece, std::int64_t from, sha1_hasher& hasher, std::span<std::byte> scratch);
  // Bytes falling in pad files are dropped.
  status write(int piece, std::int64_t offset, std::span<const std::byte> data);
  // fsync every file written since the last sync.
  status sync();

  fd_cache& cache() { return cache_; }
  int root_fd() const { return root_.get(); }
  const metainfo& meta() const { return m_; }

  // Calls f(file_index, file_offset, position_in_range, length) for each file slice of the range
  // (zero-length files skipped), after checking the range lies inside the piece.
  template <class F>
  status for_each_slice(int piece, std::int64_t offset, std::int64_t length, F&& f) const;

 private:
  status check_range(std::string_view op, int piece, std::int64_t offset, std::int64_t length) const;
  std::size_t first_file_at(std::int64_t pos) const;

  const metainfo& m_;
  unique_fd root_;
  fd_cache cache_;
  std::unique_ptr<std::atomic<bool>[]> dirty_;
};

template <class F>
status file_set::for_each_slice(int piece, std::int64_t offset, std::int64_t length, F&& f) const {
  std::int64_t pos = std::int64_t{piece} * m_.piece_length + offset;
  const std::int64_t end = pos + length;
  for (std::size_t i = first_file_at(pos); i < m_.files.size() && pos < end; ++i) {
    const file_entry& file = m_.files[i];
    if (file.length == 0) continue;
    const std::int64_t in_file = pos - file.offset;
    const std::int64_t n = std::min(end - pos, file.length - in_file);
    if (auto s = f(static_cast<int>(i), in_file, pos - (end - length), n); !s) return s;
    pos += n;
  }
  return ok();
}

}  // namespace shoal
