#pragma once
// A torrent's data on disk: pieces and blocks mapped onto files under a root folder.
// Files are opened confined under the root (no "..", no symlinks followed), read and written
// with pread/pwrite, created at their final size (preallocated, or sparse); pad files (BEP 47) are never created.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/arrival_hash.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

struct storage_options {
  std::size_t max_open_files = 512;  // fd cache bound (LRU); torrents may hold many thousands of files
  // create mode: reserve each file's blocks with fallocate(2) at open, so a full disk shows before any
  // download (file systems without fallocate get sparse files, as with false).
  bool preallocate = false;
};

class storage {
 public:
  enum class open_mode {
    read_only,  // seeding: every file must exist with its exact size
    create,     // leeching: missing folders and files created, files set to their final size
  };

  // Errors name the file and the operation ("create data/b.bin: Permission denied"). In create mode an
  // existing longer file is cut: the caller decides first whether it may be (storage/ownership.hpp).
  // Out of space while preallocating: "no space for DIR/b.bin: preallocating its 33554432 bytes needs
  // 33554432 more, 4190208 are free", before any byte is downloaded.
  // The storage keeps what it reads and writes by (the layout and the piece hashes): a copy of them from `m`, or
  // the caller's metainfo itself when shared (a daemon holds thousands of torrents; one copy each).
  static result<storage> open(const metainfo& m, const std::filesystem::path& root, open_mode mode,
                              const storage_options& options = {});
  static result<storage> open(std::shared_ptr<const metainfo> m, const std::filesystem::path& root, open_mode mode,
                              const storage_options& options = {});

  storage(storage&&) noexcept;
  storage& operator=(storage&&) noexcept;
  ~storage();

  // [piece * piece_length + offset, + out.size()) must lie inside the piece. Pad files read as zeros.
  // Thread-safe for concurrent calls (fds shared through the cache; pread/pwrite carry offsets).
  status read(int piece, std::int64_t offset, std::span<std::byte> out) const;
  // Same range rule; bytes falling in pad files are dropped. Fails in read_only mode.
  status write(int piece, std::int64_t offset, std::span<const std::byte> data);
  // Reads the piece through scratch (any size > 0; whole piece at once if >= piece size) and SHA-1s it.
  result<bool> verify_piece(int piece, std::span<std::byte> scratch) const;
  // Completes a piece hashed while it arrived: reads back only bytes [arrived.hashed(), piece size).
  result<bool> verify_piece(int piece, arrival_hash& arrived, std::span<std::byte> scratch) const;
  // fsync every file written since the last sync (including files whose fd was evicted).
  status sync();
  // Closes the data files now (the next read or write opens them again): a torrent with no peer holds none, so
  // that thousands of idle torrents do not run into the limit of open files. Blocks being read or written on
  // another thread keep their descriptor until they finish.
  void close_files();
  std::size_t open_files() const;

  const metainfo& meta() const noexcept;
  open_mode mode() const noexcept;

 private:
  struct impl;
  explicit storage(std::unique_ptr<impl> p);
  std::unique_ptr<impl> p_;
};

}  // namespace shoal
