#include "shoal/util/rate_window.hpp"

#include <gtest/gtest.h>

namespace shoal {
namespace {

using namespace std::chrono_literals;
const auto t0 = rate_window::clock::time_point{} + 1000s;

TEST(RateWindow, NoRateUntilTwoSamples) {
  rate_window w;
  EXPECT_EQ(w.rate(), 0);
  w.add(t0, 5000);
  EXPECT_EQ(w.rate(), 0);
  w.add(t0 + 1s, 6000);
  EXPECT_DOUBLE_EQ(w.rate(), 1000);
}

TEST(RateWindow, CountsOnlyTheLastSecondsNotWhatCameBefore) {
  rate_window w(5s);
  // A resumed download starts its counter high (or a fast start): only the recent increase matters.
  std::uint64_t bytes = 100'000'000;
  for (int i = 0; i <= 10; ++i) w.add(t0 + std::chrono::seconds(i), bytes += (i < 5 ? 10'000'000 : 3'000'000));
  EXPECT_DOUBLE_EQ(w.rate(), 3'000'000);
}

TEST(RateWindow, DropsToZeroOnceNothingArrivesForTheSpan) {
  rate_window w(5s);
  for (int i = 0; i <= 5; ++i) w.add(t0 + std::chrono::seconds(i), 1'000'000u * static_cast<unsigned>(i));
  EXPECT_DOUBLE_EQ(w.rate(), 1'000'000);
  for (int i = 6; i <= 8; ++i) w.add(t0 + std::chrono::seconds(i), 5'000'000);
  EXPECT_GT(w.rate(), 0);  // still inside the window: slowing down, not yet stalled
  for (int i = 9; i <= 11; ++i) w.add(t0 + std::chrono::seconds(i), 5'000'000);
  EXPECT_EQ(w.rate(), 0);
}

TEST(RateWindow, ACounterGoingBackRestarts) {
  rate_window w;
  w.add(t0, 1000);
  w.add(t0 + 1s, 2000);
  w.add(t0 + 2s, 10);
  EXPECT_EQ(w.rate(), 0);
  w.add(t0 + 3s, 510);
  EXPECT_DOUBLE_EQ(w.rate(), 500);
}

}  // namespace
}  // namespace shoal
