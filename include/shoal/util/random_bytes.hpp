#pragma once
// Bytes from the kernel's random pool (getrandom(2)) for session tokens, keys and salts: no library to
// initialise (OpenSSL's DRBG costs shoald about 3 MB resident; docs/performance.md, issue 12).
#include <cstddef>

#include "shoal/util/result.hpp"

namespace shoal {

// Fills [out, out + size); blocks only until the kernel's pool is initialised (early boot). On failure the
// error names the system's reason and `out` must not be used.
status random_bytes(void* out, std::size_t size);

}  // namespace shoal
