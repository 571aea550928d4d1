#pragma once
// How long to wait before announcing again after rounds in which no tracker answered.
#include <chrono>

namespace shoal {

// 15 s after the first failed round, doubling each time, never more than 30 minutes;
// zero when nothing has failed.
inline std::chrono::seconds retry_backoff(int consecutive_failures) {
  if (consecutive_failures <= 0) return std::chrono::seconds(0);
  constexpr long long first = 15, cap = 30 * 60;
  long long delay = first;
  for (int i = 1; i < consecutive_failures && delay < cap; ++i) delay *= 2;
  return std::chrono::seconds(delay < cap ? delay : cap);
}

}  // namespace shoal
