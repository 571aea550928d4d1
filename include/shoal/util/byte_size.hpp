#pragma once
// Byte counts as people type them on a command line: "262144", "500K", "2M", "1G" (aria2c's rule:
// binary multiples, K = 1024, M = 1024K, G = 1024M, T = 1024G; "KB" and "KiB" mean K too).
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal {

// Digits with an optional suffix (case-insensitive); no sign, no fraction, no spaces. Errors are
// phrases to follow "value 'TEXT' ", e.g. "has an unknown suffix 'X'".
result<std::uint64_t> parse_byte_size(std::string_view text);

// The shortest exact spelling: 1048576 -> "1M", 1536 -> "1536", 0 -> "0".
std::string format_byte_size(std::uint64_t bytes);

// For people: "1.5 MiB", "512 B" (IEC units, one decimal).
std::string format_bytes(double bytes);

}  // namespace shoal
