#pragma once
// What the seed and leech print while they work: a redrawn bar on a terminal, plain lines otherwise.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace shoal::session {

struct progress_info {
  std::string name;
  std::int64_t done_bytes = 0, total_bytes = 0;
  double rate = 0;  // bytes/s
  std::size_t peers = 0;
  double elapsed = 0;  // s
  // Summary only.
  int downloaded_pieces = 0, resumed_pieces = 0;
  std::size_t peers_seen = 0;
  std::uint64_t downloaded_bytes = 0;
};

void print_bar(const progress_info& p);
void print_line(const progress_info& p);
void print_summary(const progress_info& p, bool after_bar);

// Progress of the data check; callable from the checking threads.
class check_progress {
 public:
  check_progress(std::string label, int total, bool bar);
  void update(int done, int total);
  void finish();

 private:
  std::mutex mutex_;
  std::string label_;
  int total_;
  bool bar_;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point last_line_;
};

}  // namespace shoal::session
