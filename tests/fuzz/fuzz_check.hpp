#pragma once
// The fuzz targets' assertion: an invariant that does not hold is a crash libFuzzer reports.
#include <cstdlib>

namespace shoal::fuzz {

inline void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace shoal::fuzz
