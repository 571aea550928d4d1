#include "shoal/util/rate_window.hpp"

namespace shoal {

void rate_window::add(clock::time_point now, std::uint64_t counter) {
  if (!samples_.empty() && (counter < samples_.back().counter || now < samples_.back().at)) samples_.clear();
  samples_.push_back({now, counter});
  // Keep one sample at or beyond the span's start, so the window always covers the whole span once it can.
  std::size_t old = 0;
  while (samples_.size() - old > 2 && samples_[old + 1].at <= now - span_) ++old;
  samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(old));
}

double rate_window::rate() const {
  if (samples_.size() < 2) return 0;
  const auto& first = samples_.front();
  const auto& last = samples_.back();
  const double seconds = std::chrono::duration<double>(last.at - first.at).count();
  if (seconds <= 0) return 0;
  return static_cast<double>(last.counter - first.counter) / seconds;
}

}  // namespace shoal
