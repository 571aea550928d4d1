#pragma once
// In-place walking of a URL query string ("a=1&b=%41"), and percent-decoding into
// caller-owned storage: the tracker's hot path parses queries without allocating.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace shoal::tracker {

struct query_param {
  std::string_view name;   // raw, as sent
  std::string_view value;  // raw, still percent-encoded
};

// Yields each '&'-separated parameter in order; empty segments ("a=1&&b=2") are skipped.
class query_walker {
 public:
  explicit query_walker(std::string_view query) : rest_(query) {}
  std::optional<query_param> next();

 private:
  std::string_view rest_;
};

// Percent-decodes `in` into out[0..capacity). Returns the decoded length, or nullopt when
// the input has a bad escape or decodes to more than `capacity` bytes. '+' stays '+':
// binary values (info_hash, peer_id) are sent with RFC 3986 escaping, not form encoding.
std::optional<std::size_t> percent_decode(std::string_view in, std::uint8_t* out,
                                          std::size_t capacity);

// Decodes a non-negative decimal integer that fits in int64; nullopt otherwise.
std::optional<std::int64_t> parse_decimal(std::string_view digits);

}  // namespace shoal::tracker
