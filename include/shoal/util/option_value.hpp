#pragma once
// What a command-line flag allows, and the check of one value against it. Every refusal reads
// "value 'TEXT' WHY (allowed: RANGE)", so every tool words a bad value the same way.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shoal/util/result.hpp"

namespace shoal {

struct integer_range {
  integer_range(std::int64_t lo, std::int64_t hi, std::string zero = {}, std::string unit_name = {},
                bool suffixes = false)
      : min(lo), max(hi), zero_means(std::move(zero)), unit(std::move(unit_name)), byte_suffixes(suffixes) {}
  std::int64_t min;
  std::int64_t max;
  std::string zero_means;  // "unlimited": shown as "0 = unlimited" (0 must be in range)
  std::string unit;        // "bytes", "bytes/s", "seconds"; empty for a plain count
  bool byte_suffixes;      // accepts K, M, G, T (binary, as aria2c): see byte_size.hpp
};

struct number_range {  // a decimal number, e.g. a ratio
  number_range(double lo, double hi, std::string zero = {}) : min(lo), max(hi), zero_means(std::move(zero)) {}
  double min;
  double max;
  std::string zero_means;
};

// "1 to 1000", "0 to 1T bytes/s, 0 = unlimited; suffixes K, M, G, T (K = 1024)".
std::string describe(const integer_range& range);
std::string describe(const number_range& range);

result<std::int64_t> parse_integer_value(std::string_view text, const integer_range& range);
result<double> parse_number_value(std::string_view text, const number_range& range);

// SCHEME://HOST[:PORT][/PATH] with SCHEME one of `schemes` (lower case, no "://"), a non-empty
// HOST, PORT 1 to 65535 (required for udp), and no spaces or control characters.
status check_url_value(std::string_view text, const std::vector<std::string>& schemes);
std::string describe_url(const std::vector<std::string>& schemes);  // "an http:// or udp:// URL with a host"

}  // namespace shoal
