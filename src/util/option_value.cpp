#include "shoal/util/option_value.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include "shoal/util/byte_size.hpp"

namespace shoal {

namespace {

error refuse(std::string_view text, const std::string& why, const std::string& allowed) {
  return error{"value '" + std::string(text) + "' " + why + " (allowed: " + allowed + ")"};
}

std::string shown(std::int64_t n, const integer_range& range) {
  return range.byte_suffixes && n > 0 ? format_byte_size(static_cast<std::uint64_t>(n)) : std::to_string(n);
}

std::string shown(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

// A whole number, with the range's suffixes if it takes them; errors are phrases.
result<std::int64_t> whole_number(std::string_view text, const integer_range& range) {
  if (text.empty()) return error{"is empty"};
  if (range.byte_suffixes && text[0] != '-') {
    auto bytes = parse_byte_size(text);
    if (!bytes) return bytes.err();
    if (*bytes > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return error{"is too large"};
    return static_cast<std::int64_t>(*bytes);
  }
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range) return error{text[0] == '-' ? "is too small" : "is too large"};
  if (ec != std::errc() || end != text.data() + text.size())
    return error{range.byte_suffixes ? "is negative" : "is not a whole number"};
  if (text[0] == '-' && range.byte_suffixes) return error{"is negative"};
  return n;
}

bool is_ascii_lower_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

// HOST[:PORT] of a URL; the error is a phrase.
status check_authority(std::string_view authority, bool port_required) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority, port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return error{"has an unclosed '[' in its host"};
    host = authority.substr(1, close - 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return error{"has text after its [host]"};
    if (!rest.empty()) port = rest.substr(1);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return error{"has no host"};
  if (port.empty()) {
    if (port_required || authority.ends_with(':')) return error{"has no port"};
    return ok();
  }
  std::uint32_t n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc() || end != port.data() + port.size() || n < 1 || n > 65535)
    return error{"has port '" + std::string(port) + "', not 1 to 65535"};
  return ok();
}

}  // namespace

std::string describe(const integer_range& range) {
  std::string s = shown(range.min, range) + " to " + shown(range.max, range);
  if (!range.unit.empty()) s += " " + range.unit;
  if (!range.zero_means.empty()) s += ", 0 = " + range.zero_means;
  if (range.byte_suffixes) s += "; suffixes K, M, G, T, K = 1024";
  return s;
}

std::string describe(const number_range& range) {
  std::string s = shown(range.min) + " to " + shown(range.max);
  if (!range.zero_means.empty()) s += ", 0 = " + range.zero_means;
  return s;
}

result<std::int64_t> parse_integer_value(std::string_view text, const integer_range& range) {
  auto n = whole_number(text, range);
  if (!n) return refuse(text, n.message(), describe(range));
  if (*n < range.min) return refuse(text, "is below " + shown(range.min, range), describe(range));
  if (*n > range.max) return refuse(text, "is above " + shown(range.max, range), describe(range));
  return *n;
}

result<double> parse_number_value(std::string_view text, const number_range& range) {
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x))
    return refuse(text, "is not a number", describe(range));
  if (x < range.min) return refuse(text, "is below " + shown(range.min), describe(range));
  if (x > range.max) return refuse(text, "is above " + shown(range.max), describe(range));
  return x;
}

std::string describe_url(const std::vector<std::string>& schemes) {
  std::string s = "an ";
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    if (i > 0) s += i + 1 == schemes.size() ? " or " : ", ";
    s += schemes[i] + "://";
  }
  return s + " URL with a host";
}

status check_url_value(std::string_view text, const std::vector<std::string>& schemes) {
  const std::string allowed = describe_url(schemes);
  if (text.empty()) return refuse(text, "is empty", allowed);
  for (char c : text)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return refuse(text, "contains a space or control character", allowed);
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return refuse(text, "is not a URL", allowed);
  const std::string_view scheme = text.substr(0, sep);
  const auto known = std::find_if(schemes.begin(), schemes.end(),
                                  [&](const std::string& s) { return is_ascii_lower_equal(scheme, s); });
  if (known == schemes.end()) return refuse(text, "has scheme '" + std::string(scheme) + "'", allowed);
  std::string_view rest = text.substr(sep + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto s = check_authority(authority, *known == "udp"); !s) return refuse(text, s.message(), allowed);
  return ok();
}

}  // namespace shoal
