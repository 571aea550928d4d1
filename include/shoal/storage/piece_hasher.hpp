#pragma once
// Torrent creation on the disk-and-hash service (hash_job.hpp): parallel SHA-1 of a torrent's pieces,
// streamed from files given by path. Memory stays bounded whatever the data size; pieces run across
// file boundaries.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "shoal/storage/hash_job.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

struct hash_input_file {
  std::filesystem::path path;
  std::int64_t length = 0;  // size when listed: a file of another size while hashing is an error
};

struct piece_hash_options {
  std::int64_t piece_length = 0;  // > 0
  int threads = 1;                // workers; each claims whole pieces, so none waits on another
  // pread path: each thread reads two pieces at once (hashed together, sha1_pair.hpp) in chunks
  // of at most this many bytes: large enough for few syscalls, small enough that both chunks
  // are still in the core's cache when SHA-1 reads them.
  std::size_t read_size = std::size_t{128} << 10;
  // Hash straight from mmap'ed windows of the files (no copy out of the page cache; a file
  // truncated meanwhile is reported like any size change) instead of the pread path, which is
  // faster: the copy costs less than mapping, and pread hashes two pieces at once per thread.
  bool use_mmap = false;
  // Called on the calling thread about every progress_interval, and once at the end,
  // with the number of bytes hashed so far.
  std::function<void(std::int64_t done)> on_progress;
  std::chrono::milliseconds progress_interval{200};
  // Optional: progress in bytes and cancellation (error_code::cancelled) from another thread.
  check_control* control = nullptr;
};

// piece_count x 20 raw SHA-1 bytes, in piece order. Errors name the file (unreadable, or
// changed size while hashing). Zero-length files contribute nothing.
result<std::string> hash_pieces(const std::vector<hash_input_file>& files, const piece_hash_options& options);

}  // namespace shoal
