#include "shoal/tracker/protocol/query_params.hpp"

#include <charconv>

namespace shoal::tracker {

std::optional<query_param> query_walker::next() {
  while (!rest_.empty()) {
    auto amp = rest_.find('&');
    std::string_view part = rest_.substr(0, amp);
    rest_ = amp == std::string_view::npos ? std::string_view{} : rest_.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return query_param{part, {}};
    return query_param{part.substr(0, eq), part.substr(eq + 1)};
  }
  return std::nullopt;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::size_t> percent_decode(std::string_view in, std::uint8_t* out,
                                          std::size_t capacity) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (n == capacity) return std::nullopt;
    char c = in[i];
    if (c != '%') {
      out[n++] = static_cast<std::uint8_t>(c);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return n;
}

std::optional<std::int64_t> parse_decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 19 || digits[0] < '0' || digits[0] > '9') {
    return std::nullopt;
  }
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{} || end != digits.data() + digits.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace shoal::tracker
