#pragma once
// How many block requests we keep in flight with one peer (its request pipeline). Enough to cover a quarter of a
// second at the rate it sends at, within [min_depth, max_depth], and never more than the queue it says it keeps
// (BEP 10 "reqq": requests beyond it may be dropped).
// The torrent's tick gives the rate of the last second. A peer that delivers a whole pipeline sooner is measured
// as the blocks arrive and deepened at once: a fast transfer (a loopback GiB takes under a second) would otherwise
// run its whole length at the starting depth, and the sender would wait for requests. Only the tick makes the
// pipeline shallower again. Pure: the caller passes the time in.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace shoal::swarm {

class request_pipeline {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t min_depth = 64;   // 1 MiB of 16 KiB blocks
  static constexpr std::size_t max_depth = 256;  // 4 MiB: well inside what libtorrent and aria2 accept

  // Requests to keep in flight.
  std::size_t depth() const noexcept;
  // The peer's advertised queue length (BEP 10 reqq; 0: it said none).
  void set_peer_queue(std::uint32_t requests) noexcept { peer_queue_ = requests; }
  // `bytes` of block payload arrived at `now`. Once a pipeline's worth has arrived since the last measure, its
  // rate may deepen the pipeline (never shallower).
  void on_received(std::uint64_t bytes, clock::time_point now) noexcept;
  // The rate of the last second (bytes per second), from the tick: deeper or shallower.
  void on_rate(std::uint64_t bytes_per_second) noexcept;

  // The depth that covers a quarter second at this rate, within [min_depth, max_depth].
  static std::size_t depth_for(std::uint64_t bytes_per_second) noexcept;

 private:
  std::size_t depth_ = min_depth;
  std::uint32_t peer_queue_ = 0;
  std::uint64_t measured_ = 0;  // bytes since mark_
  clock::time_point mark_{};    // start of the current measure (epoch: none yet)
};

}  // namespace shoal::swarm
