#include "shoal/util/byte_size.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <charconv>

namespace shoal {

namespace {

constexpr char suffixes[] = "KMGT";

// 0 for no suffix, 10 for K, 20 for M...; -1 when the suffix is not one of ours.
int suffix_shift(std::string_view suffix) {
  if (suffix.empty()) return 0;
  const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0])));
  int shift = -1;
  for (int i = 0; suffixes[i] != '\0'; ++i)
    if (suffixes[i] == unit) shift = 10 * (i + 1);
  if (shift < 0) return -1;
  std::string rest;
  for (char c : suffix.substr(1)) rest += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return rest.empty() || rest == "B" || rest == "IB" ? shift : -1;
}

}  // namespace

result<std::uint64_t> parse_byte_size(std::string_view text) {
  if (text.empty()) return error{"is empty"};
  if (text[0] == '-') return error{"is negative"};
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (end == text.data()) return error{"is not a whole number"};
  if (ec == std::errc::result_out_of_range) return error{"is too large"};
  const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  const int shift = suffix_shift(suffix);
  if (shift < 0) return error{"has an unknown suffix '" + std::string(suffix) + "' (use K, M, G or T)"};
  if (shift > 0 && n > (UINT64_MAX >> shift)) return error{"is too large"};
  return n << shift;
}

std::string format_byte_size(std::uint64_t bytes) {
  int unit = -1;
  while (bytes != 0 && unit < 3 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + (unit < 0 ? std::string() : std::string(1, suffixes[unit]));
}

std::string format_bytes(double bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (std::fabs(bytes) >= 1024 && u < 5) bytes /= 1024, ++u;
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
  return buf;
}

}  // namespace shoal
