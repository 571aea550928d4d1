#pragma once
// Open files of a torrent, at most `capacity` at once, least recently used closed first.
// A descriptor handed out stays valid while its holder uses it, even if evicted meanwhile.
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

#include "shoal/storage/unique_fd.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

class fd_cache {
 public:
  using handle = std::shared_ptr<const unique_fd>;
  using opener = std::function<result<unique_fd>(int file)>;

  fd_cache(std::size_t files, std::size_t capacity, opener open);

  // Thread-safe. A hit allocates nothing; a miss opens outside the lock.
  result<handle> get(int file);
  std::size_t open_count() const;
  void close_all();

 private:
  struct slot {
    handle fd;
    std::list<int>::iterator lru;  // valid while fd is set
  };
  void insert_locked(int file, handle fd);

  mutable std::mutex mu_;
  std::vector<slot> slots_;
  std::list<int> lru_;  // most recent first
  std::size_t capacity_;
  opener open_;
};

}  // namespace shoal
