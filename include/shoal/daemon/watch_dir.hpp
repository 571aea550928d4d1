#pragma once
// shoald --watch-dir: a .torrent dropped into the folder is handed to the daemon, then renamed `NAME.added`, or
// `NAME.invalid` when it could not be added (the reason logged). A file still being written is left for a later
// scan: it is taken once its size and time stayed the same from one scan to the next, or are `settle` old.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal::daemon {

struct watch_report {
  std::size_t added = 0;
  std::size_t invalid = 0;
};

class watch_dir {
 public:
  // `add` gets the file's path and bytes (at most 10 MiB; a larger file is invalid without a call).
  using add_fn = std::function<status(const std::filesystem::path& file, std::string_view bytes)>;

  explicit watch_dir(std::filesystem::path folder, std::chrono::milliseconds settle = std::chrono::seconds(1));
  const std::filesystem::path& folder() const { return folder_; }
  // One pass over the folder (a missing folder: nothing, with a warning logged once).
  watch_report scan(const add_fn& add);

 private:
  struct seen_file {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime{};
    friend bool operator==(const seen_file&, const seen_file&) = default;
  };
  void finish(const std::filesystem::path& file, const status& outcome, watch_report& report);

  std::filesystem::path folder_;
  std::chrono::milliseconds settle_;
  std::map<std::filesystem::path, seen_file> last_scan_;
  bool warned_missing_ = false;
};

}  // namespace shoal::daemon
