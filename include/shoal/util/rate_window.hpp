#pragma once
// The current transfer rate: bytes per second over the last few seconds, from a byte counter sampled on a tick.
// An average since start would count resumed data and hide a stall; this window drops to 0 once nothing arrives.
#include <chrono>
#include <cstdint>
#include <vector>

namespace shoal {

class rate_window {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_window(std::chrono::milliseconds span = std::chrono::seconds(5)) : span_(span) {}

  // `counter`: the cumulative byte count at `now` (never decreasing; a smaller one restarts the window).
  void add(clock::time_point now, std::uint64_t counter);
  // Bytes/s between the oldest sample inside the span and the newest; 0 with fewer than two samples.
  double rate() const;

 private:
  struct sample {
    clock::time_point at;
    std::uint64_t counter;
  };
  std::chrono::milliseconds span_;
  // Oldest first; a handful of samples (one a tick over the span). A vector, not a deque: libstdc++'s deque
  // allocates ~580 bytes even empty, and every torrent has two windows.
  std::vector<sample> samples_;
};

}  // namespace shoal
