#include "shoal/swarm/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "shoal/metainfo/block_geometry.hpp"

namespace shoal::swarm {

token_bucket::token_bucket(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now) {
  set_rate(rate, burst, now);
  tokens_ = static_cast<double>(burst_);  // start full: the first burst goes at once
}

void token_bucket::set_rate(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now) {
  refill(now);
  rate_ = rate;
  burst_ = rate == 0 ? 0 : std::max<std::uint64_t>(burst, 1);
  tokens_ = std::min(tokens_, static_cast<double>(burst_));
  last_ = now;
}

void token_bucket::refill(rate_clock::time_point now) noexcept {
  if (now <= last_) return;  // time passed in out of order: never refund
  const double seconds = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(static_cast<double>(burst_), tokens_ + seconds * static_cast<double>(rate_));
  last_ = now;
}

rate_clock::duration token_bucket::wait_for(std::uint64_t bytes, rate_clock::time_point now) {
  if (unlimited()) return rate_clock::duration::zero();
  refill(now);
  const double need = static_cast<double>(std::min(bytes, burst_));
  if (tokens_ >= need) return rate_clock::duration::zero();
  const double seconds = (need - tokens_) / static_cast<double>(rate_);
  // Round up so that asking again after the wait always succeeds.
  auto wait = std::chrono::ceil<rate_clock::duration>(std::chrono::duration<double>(seconds));
  return std::max(wait, rate_clock::duration(1));
}

void token_bucket::consume(std::uint64_t bytes) noexcept {
  if (!unlimited()) tokens_ -= static_cast<double>(bytes);
}

rate_limiter::rate_limiter(std::uint64_t rate, std::uint64_t burst, rate_clock::time_point now,
                           rate_limiter* parent)
    : bucket_(rate, burst, now), parent_(parent) {}

rate_clock::duration rate_limiter::wait_for(std::uint64_t bytes, rate_clock::time_point now) {
  auto wait = bucket_.wait_for(bytes, now);
  for (rate_limiter* p = parent_; p != nullptr; p = p->parent_) wait = std::max(wait, p->bucket_.wait_for(bytes, now));
  return wait;
}

rate_clock::duration rate_limiter::request(std::uint64_t bytes, rate_clock::time_point now) {
  const auto wait = wait_for(bytes, now);
  if (wait != rate_clock::duration::zero()) return wait;
  for (rate_limiter* p = this; p != nullptr; p = p->parent_) p->bucket_.consume(bytes);
  return wait;
}

namespace {
// A sender that has not come back this long after its turn was due is gone (closed, choked, out of requests).
constexpr rate_clock::duration turn_grace = std::chrono::milliseconds(500);
}  // namespace

std::size_t rate_limiter::position(std::uint64_t sender) const noexcept {
  for (std::size_t i = 0; i < queue_.size(); ++i)
    if (queue_[i].sender == sender) return i;
  return queue_.size();
}

void rate_limiter::drop_stale(rate_clock::time_point now) {
  std::erase_if(queue_, [&](const turn& t) { return now > t.due + turn_grace; });
}

// The chain's wait for `bytes`, plus one request's worth at the tightest rate for each sender ahead.
rate_clock::duration rate_limiter::queued_wait(std::uint64_t bytes, rate_clock::time_point now, std::size_t ahead) {
  auto wait = wait_for(bytes, now);
  if (ahead == 0) return wait;
  std::uint64_t slowest = 0;
  for (const rate_limiter* p = this; p != nullptr; p = p->parent_)
    if (!p->bucket_.unlimited() && (slowest == 0 || p->bucket_.rate() < slowest)) slowest = p->bucket_.rate();
  if (slowest == 0) return wait;
  const double seconds = static_cast<double>(ahead) * static_cast<double>(bytes) / static_cast<double>(slowest);
  return wait + std::chrono::ceil<rate_clock::duration>(std::chrono::duration<double>(seconds));
}

rate_clock::duration rate_limiter::wait_for(std::uint64_t bytes, rate_clock::time_point now, std::uint64_t sender) {
  drop_stale(now);
  const std::size_t at = position(sender);
  const auto wait = queued_wait(bytes, now, at);
  if (wait != rate_clock::duration::zero()) {  // it will wait: in the queue, so its turn is kept
    if (at == queue_.size()) queue_.push_back({sender, {}});
    queue_[at].due = now + wait;
  }
  return wait;
}

rate_clock::duration rate_limiter::request(std::uint64_t bytes, rate_clock::time_point now, std::uint64_t sender) {
  const auto wait = wait_for(bytes, now, sender);
  if (wait == rate_clock::duration::zero()) {  // the head, or nobody waits: its turn
    leave(sender);
    for (rate_limiter* p = this; p != nullptr; p = p->parent_) p->bucket_.consume(bytes);
  }
  return wait;
}

void rate_limiter::leave(std::uint64_t sender) {
  std::erase_if(queue_, [&](const turn& t) { return t.sender == sender; });
}

std::uint64_t rate_limiter::tightest_burst() const noexcept {
  std::uint64_t tightest = 0;
  for (const rate_limiter* p = this; p != nullptr; p = p->parent_)
    if (!p->bucket_.unlimited() && (tightest == 0 || p->bucket_.burst() < tightest)) tightest = p->bucket_.burst();
  return tightest;
}

std::uint64_t default_burst(std::uint64_t rate) noexcept { return std::max<std::uint64_t>(rate / 10, block_size); }

}  // namespace shoal::swarm
