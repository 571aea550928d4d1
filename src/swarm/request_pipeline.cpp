#include "shoal/swarm/request_pipeline.hpp"

#include <algorithm>

#include "shoal/metainfo/block_geometry.hpp"

namespace shoal::swarm {

namespace {
constexpr std::uint64_t quarters_per_second = 4;  // the pipeline covers a quarter second of the peer's rate
}  // namespace

std::size_t request_pipeline::depth_for(std::uint64_t bytes_per_second) noexcept {
  const std::uint64_t blocks = bytes_per_second / quarters_per_second / block_size;
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(blocks, min_depth, max_depth));
}

std::size_t request_pipeline::depth() const noexcept {
  return peer_queue_ == 0 ? depth_ : std::min<std::size_t>(depth_, peer_queue_);
}

void request_pipeline::on_received(std::uint64_t bytes, clock::time_point now) noexcept {
  if (depth_ >= max_depth) return;
  if (mark_ == clock::time_point{}) {  // the first block starts the measure: what it took to come is latency
    mark_ = now;
    return;
  }
  measured_ += bytes;
  if (measured_ < depth_ * block_size) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - mark_).count();
  // A pipeline's worth within the same microsecond: as fast as the clock can tell.
  const std::uint64_t rate = elapsed <= 0 ? UINT64_MAX : measured_ * 1'000'000 / static_cast<std::uint64_t>(elapsed);
  depth_ = std::max(depth_, depth_for(rate));
  measured_ = 0;
  mark_ = now;
}

void request_pipeline::on_rate(std::uint64_t bytes_per_second) noexcept {
  depth_ = depth_for(bytes_per_second);
  measured_ = 0;
  mark_ = {};
}

}  // namespace shoal::swarm
