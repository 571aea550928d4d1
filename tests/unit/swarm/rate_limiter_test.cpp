#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "shoal/swarm/rate_limiter.hpp"

using namespace shoal::swarm;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t block = 16384;

// Sends blocks as fast as the limiter allows for `span` of simulated time; returns the bytes sent.
std::uint64_t saturate(rate_limiter& limiter, rate_clock::time_point start, rate_clock::duration span) {
  std::uint64_t sent = 0;
  for (auto now = start; now < start + span;) {
    const auto wait = limiter.request(block, now);
    if (wait == rate_clock::duration::zero()) {
      sent += block;
    } else {
      now += wait;
    }
  }
  return sent;
}

}  // namespace

TEST(TokenBucket, UnlimitedAlwaysGrants) {
  rate_limiter limiter(0, 0, rate_clock::time_point{});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.request(1 << 20, rate_clock::time_point{}), 0ns);
}

TEST(TokenBucket, BurstThenWait) {
  const rate_clock::time_point t0{};
  rate_limiter limiter(100'000, 4 * block, t0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limiter.request(block, t0), 0ns) << i;
  const auto wait = limiter.request(block, t0);
  EXPECT_GT(wait, 0ns);
  EXPECT_NEAR(std::chrono::duration<double>(wait).count(), double(block) / 100'000, 1e-6);
  EXPECT_GT(limiter.request(block, t0 + wait - 1ms), 0ns);  // not a moment too early
  EXPECT_EQ(limiter.request(block, t0 + wait), 0ns);        // and granted once the wait is over
}

TEST(TokenBucket, OversizedRequestGoesWhenFullAndLeavesDebt) {
  const rate_clock::time_point t0{};
  rate_limiter limiter(10'000, 1'000, t0);
  EXPECT_EQ(limiter.request(5'000, t0), 0ns);  // bigger than the burst: allowed on a full bucket
  const auto wait = limiter.request(1'000, t0);
  EXPECT_NEAR(std::chrono::duration<double>(wait).count(), 0.5, 1e-6);  // 4000 debt + 1000 needed
}

TEST(TokenBucket, SustainedRateWithinOnePercentOverAMinute) {
  for (std::uint64_t rate : {50'000ull, 1'000'000ull, 33'333'333ull}) {
    const rate_clock::time_point t0{};
    rate_limiter limiter(rate, default_burst(rate), t0);
    const double sent = double(saturate(limiter, t0, 60s));
    EXPECT_NEAR(sent / 60.0, double(rate), double(rate) * 0.01) << rate;
  }
}

TEST(TokenBucket, HierarchyBothMustGrant) {
  const rate_clock::time_point t0{};
  rate_limiter global(1'000'000, default_burst(1'000'000), t0);
  rate_limiter a(800'000, default_burst(800'000), t0, &global);
  rate_limiter b(800'000, default_burst(800'000), t0, &global);
  // Two torrents each under their own limit, together over the global one: interleave their requests.
  std::uint64_t sent_a = 0, sent_b = 0;
  rate_clock::time_point now = t0;
  rate_clock::time_point next_a = t0, next_b = t0;
  while (now < t0 + 60s) {
    if (next_a <= now) {
      const auto w = a.request(block, now);
      if (w == 0ns) sent_a += block; else next_a = now + w;
    }
    if (next_b <= now) {
      const auto w = b.request(block, now);
      if (w == 0ns) sent_b += block; else next_b = now + w;
    }
    if (next_a > now && next_b > now) now = std::min(next_a, next_b);
  }
  const double total = double(sent_a + sent_b) / 60.0;
  EXPECT_NEAR(total, 1'000'000.0, 10'000.0);
  EXPECT_LE(double(sent_a) / 60.0, 800'000.0 * 1.01);
  EXPECT_GT(sent_a, 0u);
  EXPECT_GT(sent_b, 0u);
}

TEST(TokenBucket, TorrentLimitBelowGlobal) {
  const rate_clock::time_point t0{};
  rate_limiter global(0, 0, t0);  // unlimited process-wide
  rate_limiter torrent(200'000, default_burst(200'000), t0, &global);
  EXPECT_NEAR(double(saturate(torrent, t0, 60s)) / 60.0, 200'000.0, 2'000.0);
}

TEST(TokenBucket, RefusedRequestTakesNothing) {
  const rate_clock::time_point t0{};
  rate_limiter global(10'000, 10'000, t0);
  rate_limiter torrent(1'000, 1'000, t0, &global);
  EXPECT_EQ(torrent.request(1'000, t0), 0ns);
  EXPECT_GT(torrent.request(1'000, t0), 0ns);  // torrent bucket empty: global must not be charged
  EXPECT_EQ(global.request(9'000, t0), 0ns);
}

TEST(TokenBucket, SetRateAndTimeGoingBackwards) {
  const rate_clock::time_point t0 = rate_clock::time_point{} + 10s;
  rate_limiter limiter(1'000, 1'000, t0);
  EXPECT_EQ(limiter.request(1'000, t0), 0ns);
  EXPECT_GT(limiter.request(1'000, t0 - 5s), 0ns);  // an older time refunds nothing
  limiter.set_rate(0, 0, t0);
  EXPECT_EQ(limiter.request(1'000'000, t0), 0ns);
  limiter.set_rate(1'000, 1'000, t0);  // back to limited: starts empty, not with a fresh burst
  EXPECT_GT(limiter.request(1'000, t0), 0ns);
  EXPECT_EQ(limiter.request(1'000, t0 + 1s), 0ns);
}

// Senders that each sleep until their own wait is over and then ask again, as the peer connections' writers do.
// Whoever's deadline comes first (the earlier one in the list on a tie) asks first.
static std::vector<std::uint64_t> share(rate_limiter& limiter, std::size_t senders, rate_clock::time_point start,
                                 rate_clock::duration span, std::size_t leaves_at = SIZE_MAX) {
  std::vector<std::uint64_t> sent(senders, 0);
  std::vector<rate_clock::time_point> next(senders, start);
  std::vector<bool> gone(senders, false);
  for (std::size_t step = 0; step < 100000; ++step) {
    std::size_t who = SIZE_MAX;
    for (std::size_t i = 0; i < senders; ++i)
      if (!gone[i] && (who == SIZE_MAX || next[i] < next[who])) who = i;
    if (who == SIZE_MAX || next[who] >= start + span) break;
    const auto now = next[who];
    if (step == leaves_at) {  // sender 0 stops asking without a word (choked, closed)
      gone[0] = true;
      continue;
    }
    const auto wait = limiter.request(block, now, who + 1);
    if (wait == rate_clock::duration::zero()) sent[who] += block;
    else next[who] = now + wait;
  }
  return sent;
}

TEST(RateLimiterTurns, SendersSharingOneLimitGetEqualShares) {
  const auto t0 = rate_clock::time_point{} + 1h;
  rate_limiter limiter(256 * 1024, default_burst(256 * 1024), t0);
  const auto sent = share(limiter, 3, t0, 30s);
  const std::uint64_t total = sent[0] + sent[1] + sent[2];
  EXPECT_NEAR(static_cast<double>(total), 30.0 * 256 * 1024, 4.0 * block);
  for (std::size_t i = 0; i < sent.size(); ++i)
    EXPECT_NEAR(static_cast<double>(sent[i]), static_cast<double>(total) / 3, 2.0 * block) << "sender " << i;
}

TEST(RateLimiterTurns, ASenderThatStopsAskingLosesItsTurnAndTheRestGoOn) {
  const auto t0 = rate_clock::time_point{} + 1h;
  rate_limiter limiter(64 * 1024, default_burst(64 * 1024), t0);
  const auto sent = share(limiter, 2, t0, 20s, 10);
  EXPECT_GT(sent[1], 18u * 64 * 1024 - 4 * block);  // sender 2 has the whole rate once sender 1 is gone
  EXPECT_EQ(limiter.queued(), 1u);
  limiter.leave(2);
  limiter.leave(1);
  EXPECT_EQ(limiter.queued(), 0u);
}

TEST(RateLimiterTurns, UnlimitedGrantsEveryoneAtOnce) {
  rate_limiter limiter;
  const auto now = rate_clock::time_point{} + 1h;
  for (std::uint64_t who = 1; who <= 5; ++who) EXPECT_EQ(limiter.request(block, now, who), rate_clock::duration::zero());
  EXPECT_EQ(limiter.queued(), 0u);
}
