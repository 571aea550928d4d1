#include "shoal/storage/hash_job.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace shoal {
namespace {

TEST(hash_job, EveryPieceIsClaimedOnceAcrossThreads) {
  check_control control;
  hash_job job(1000, 64, control);  // 16 pieces, the last one 40 bytes
  ASSERT_EQ(job.piece_count(), 16);
  EXPECT_EQ(job.piece_size(15), 40);
  std::vector<std::atomic<int>> seen(16);
  std::vector<std::function<void()>> workers(3, [&] {
    for (std::int64_t p; (p = job.claim()) >= 0;) {
      ++seen[static_cast<std::size_t>(p)];
      job.add_done(job.piece_size(p));
    }
  });
  ASSERT_TRUE(job.run(workers));
  for (auto& s : seen) EXPECT_EQ(s.load(), 1);
  EXPECT_EQ(control.bytes_done.load(), 1000);
}

TEST(hash_job, RunsOfPiecesAreClaimedTogether) {
  check_control control;
  hash_job job(10 * 64, 64, control);
  EXPECT_EQ(job.claim(4), 0);
  EXPECT_EQ(job.claim(4), 4);
  EXPECT_EQ(job.claim(4), 8);
  EXPECT_EQ(job.claim(4), -1);
}

TEST(hash_job, TheFirstFailureIsTheResultAndStopsClaims) {
  check_control control;
  hash_job job(100 * 64, 64, control);
  std::vector<std::function<void()>> workers(2, [&] {
    for (std::int64_t p; (p = job.claim()) >= 0;)
      if (p == 3) job.fail(error{error_code::io, "read a: broken"});
  });
  auto s = job.run(workers);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), error_code::io);
  EXPECT_EQ(s.message(), "read a: broken");
  EXPECT_TRUE(job.stopped());
  EXPECT_EQ(job.claim(), -1);
}

TEST(hash_job, AnExceptionInAWorkerFailsTheJob) {
  check_control control;
  hash_job job(64, 64, control);
  auto s = job.run({[] { throw std::runtime_error("no memory"); }});
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("no memory"), std::string::npos) << s.message();
}

TEST(hash_job, CancellingStopsClaimsAndReportsCancelled) {
  check_control control;
  hash_job job(100 * 64, 64, control);
  int claimed = 0;
  auto s = job.run({[&] {
    for (std::int64_t p; (p = job.claim()) >= 0;)
      if (++claimed == 5) control.cancelled = true;
  }});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), error_code::cancelled);
  EXPECT_EQ(claimed, 5);  // nothing claimed after the flag
}

TEST(hash_job, TicksReachTheCallerWhileWorkersRun) {
  check_control control;
  hash_job job(64, 64, control);
  std::atomic<int> ticks{0};
  auto s = job.run({[&] {
                     while (ticks.load() < 3) std::this_thread::yield();
                     job.claim();
                   }},
                   [&] { ++ticks; }, std::chrono::milliseconds(1));
  ASSERT_TRUE(s) << s.message();
  EXPECT_GE(ticks.load(), 3);
}

}  // namespace
}  // namespace shoal
