#pragma once
// Folders many owners name: one shared copy of each. A std::filesystem::path keeps its components on the heap
// (~530 bytes for a typical download folder), and a daemon's 10,000 torrents live under a handful of folders.
// Not thread-safe: one owner (the session) interns on its own thread; the copies it hands out are immutable.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

namespace shoal {

class path_pool {
 public:
  // The pool's copy of `p` (equal strings, one copy), alive as long as somebody holds it.
  std::shared_ptr<const std::filesystem::path> intern(const std::filesystem::path& p);
  // Folders somebody still holds.
  std::size_t size() const;

 private:
  void prune();
  std::unordered_map<std::string, std::weak_ptr<const std::filesystem::path>> paths_;
  std::size_t prune_at_ = 16;  // entries before the next sweep of those nobody holds
};

}  // namespace shoal
