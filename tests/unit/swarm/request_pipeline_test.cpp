#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "shoal/swarm/request_pipeline.hpp"

using namespace shoal::swarm;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t block = 16384;
constexpr std::uint64_t mib = 1 << 20;

// Blocks arriving one every `gap` from `start`; returns the time after the last one.
request_pipeline::clock::time_point receive(request_pipeline& p, request_pipeline::clock::time_point start,
                                            int blocks, request_pipeline::clock::duration gap) {
  auto now = start;
  for (int i = 0; i < blocks; ++i, now += gap) p.on_received(block, now);
  return now;
}

}  // namespace

TEST(RequestPipeline, StartsAtTheMinimum) {
  request_pipeline p;
  EXPECT_EQ(p.depth(), request_pipeline::min_depth);
}

TEST(RequestPipeline, DepthCoversAQuarterSecondWithinBounds) {
  EXPECT_EQ(request_pipeline::depth_for(0), request_pipeline::min_depth);
  EXPECT_EQ(request_pipeline::depth_for(100 * block * 4), 100u);  // 100 blocks a quarter second
  EXPECT_EQ(request_pipeline::depth_for(1000 * mib), request_pipeline::max_depth);
  EXPECT_EQ(request_pipeline::depth_for(UINT64_MAX), request_pipeline::max_depth);
}

TEST(RequestPipeline, AFastPeerIsDeepenedBeforeTheFirstTick) {
  request_pipeline p;
  const auto start = request_pipeline::clock::now();
  // 1 GB/s: a 16 KiB block every 16 microseconds; one pipeline (64 blocks) after the first is enough to tell.
  receive(p, start, 1 + static_cast<int>(request_pipeline::min_depth), 16us);
  EXPECT_EQ(p.depth(), request_pipeline::max_depth);
}

TEST(RequestPipeline, ASlowPeerStaysAtTheMinimumUntilTheTick) {
  request_pipeline p;
  const auto start = request_pipeline::clock::now();
  receive(p, start, 200, 10ms);  // 1.6 MB/s: a quarter second is 25 blocks, under the minimum
  EXPECT_EQ(p.depth(), request_pipeline::min_depth);
  p.on_rate(50 * mib);  // the tick saw 50 MiB/s
  EXPECT_EQ(p.depth(), request_pipeline::depth_for(50 * mib));
}

TEST(RequestPipeline, OnlyTheTickMakesItShallower) {
  request_pipeline p;
  auto now = receive(p, request_pipeline::clock::now(), 65, 16us);
  ASSERT_EQ(p.depth(), request_pipeline::max_depth);
  p.on_rate(8 * mib);  // 8 MiB/s: 128 blocks a quarter second
  EXPECT_EQ(p.depth(), 128u);
  receive(p, now, 300, 10ms);  // slower still: arrivals never shrink it
  EXPECT_EQ(p.depth(), 128u);
  p.on_rate(0);
  EXPECT_EQ(p.depth(), request_pipeline::min_depth);
}

TEST(RequestPipeline, MeasuresAWholePipelineNotTheFirstBlock) {
  request_pipeline p;
  const auto start = request_pipeline::clock::now();
  // The first block comes after a long wait (the request's round trip), then a pipeline's worth arrives slowly:
  // neither the wait nor a partial pipeline deepens it.
  p.on_received(block, start + 2s);
  receive(p, start + 2s + 1ms, static_cast<int>(request_pipeline::min_depth) - 1, 1us);
  EXPECT_EQ(p.depth(), request_pipeline::min_depth);
}

TEST(RequestPipeline, NeverMoreThanThePeerKeeps) {
  request_pipeline p;
  p.set_peer_queue(100);
  receive(p, request_pipeline::clock::now(), 65, 16us);
  EXPECT_EQ(p.depth(), 100u);
  p.set_peer_queue(10);
  EXPECT_EQ(p.depth(), 10u);  // below our minimum too: more would be dropped
  p.set_peer_queue(0);        // said none
  EXPECT_EQ(p.depth(), request_pipeline::max_depth);
}
