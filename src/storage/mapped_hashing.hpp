#pragma once
// Hashing straight from mmap'ed file regions, with SIGBUS (a file truncated while mapped)
// turned into a return value instead of a crash. Private to src/storage.
#include <cstddef>
#include <cstdint>

#include "shoal/hash/sha1.hpp"

namespace shoal::detail {

// While alive, a process-wide SIGBUS handler is installed (reference-counted: concurrent
// holders share one); the previous handler is restored when the last one goes.
// A SIGBUS outside a guarded_update of the faulting thread goes to the previous handler.
class sigbus_scope {
 public:
  sigbus_scope();
  ~sigbus_scope();
  sigbus_scope(const sigbus_scope&) = delete;
  sigbus_scope& operator=(const sigbus_scope&) = delete;
};

// hasher.update(data, size) where [data, data + size) lies in a file mapping; false if
// touching it raised SIGBUS (hasher state is then garbage: reset it before reuse).
// Needs a live sigbus_scope.
bool guarded_update(sha1_hasher& hasher, const char* data, std::size_t size);

// A read-only shared mapping of file bytes [offset, offset + length), page-aligned inside.
class mapped_window {
 public:
  mapped_window() = default;
  mapped_window(const mapped_window&) = delete;
  mapped_window& operator=(const mapped_window&) = delete;
  ~mapped_window() { unmap(); }

  // Replaces any previous mapping; false with errno set on failure.
  bool map(int fd, std::int64_t offset, std::size_t length);
  void unmap();
  const char* data() const { return data_; }

 private:
  void* base_ = nullptr;
  std::size_t base_length_ = 0;
  const char* data_ = nullptr;
};

}  // namespace shoal::detail
