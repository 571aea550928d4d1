#include "shoal/tracker/protocol/announce_request.hpp"

#include <string>

#include "shoal/tracker/protocol/query_params.hpp"

namespace shoal {

namespace {

using tracker::percent_decode;
using tracker::parse_decimal;
using tracker::query_param;
using tracker::query_walker;

// Bit per parameter, to find repeated and missing ones without a map.
enum seen_bit : unsigned {
  seen_info_hash = 1u << 0, seen_peer_id = 1u << 1, seen_port = 1u << 2,
  seen_uploaded = 1u << 3, seen_downloaded = 1u << 4, seen_left = 1u << 5,
  seen_event = 1u << 6, seen_numwant = 1u << 7, seen_compact = 1u << 8,
  seen_no_peer_id = 1u << 9, seen_key = 1u << 10, seen_ip = 1u << 11,
};

error malformed(std::string_view name, std::string_view why) {
  return error{"malformed parameter " + std::string(name) + ": " + std::string(why)};
}

bool decode_exact20(std::string_view raw, std::uint8_t* out) {
  auto n = percent_decode(raw, out, 20);
  return n && *n == 20;
}

std::optional<announce_event> parse_event(std::string_view v) {
  if (v.empty() || v == "empty" || v == "none") return announce_event::none;
  if (v == "started") return announce_event::started;
  if (v == "completed") return announce_event::completed;
  if (v == "stopped") return announce_event::stopped;
  return std::nullopt;
}

std::optional<bool> parse_flag(std::string_view v) {
  if (v == "1") return true;
  if (v == "0") return false;
  return std::nullopt;
}

// Applies one parameter to `q`; returns an error message or nothing.
std::optional<error> apply(announce_request& q, unsigned& seen, const query_param& p) {
  auto mark = [&](unsigned bit) {
    bool repeated = (seen & bit) != 0;
    seen |= bit;
    return repeated;
  };
  auto repeated = [&] { return error{"repeated parameter " + std::string(p.name)}; };
  auto integer = [&](std::int64_t& field) -> std::optional<error> {
    auto v = parse_decimal(p.value);
    if (!v) return malformed(p.name, "not a non-negative decimal integer");
    field = *v;
    return std::nullopt;
  };
  const auto& n = p.name;
  if (n == "info_hash") {
    if (mark(seen_info_hash)) return repeated();
    if (!decode_exact20(p.value, q.info_hash.bytes.data())) {
      return malformed(n, "must be 20 percent-encoded bytes");
    }
  } else if (n == "peer_id") {
    if (mark(seen_peer_id)) return repeated();
    if (!decode_exact20(p.value, q.peer_id.data())) {
      return malformed(n, "must be 20 percent-encoded bytes");
    }
  } else if (n == "port") {
    if (mark(seen_port)) return repeated();
    auto v = parse_decimal(p.value);
    if (!v || *v < 1 || *v > 65535) return malformed(n, "must be 1-65535");
    q.port = static_cast<std::uint16_t>(*v);
  } else if (n == "uploaded") {
    if (mark(seen_uploaded)) return repeated();
    return integer(q.uploaded);
  } else if (n == "downloaded") {
    if (mark(seen_downloaded)) return repeated();
    return integer(q.downloaded);
  } else if (n == "left") {
    if (mark(seen_left)) return repeated();
    return integer(q.left);
  } else if (n == "event") {
    if (mark(seen_event)) return repeated();
    auto e = parse_event(p.value);
    if (!e) return malformed(n, "must be started, stopped, completed or empty");
    q.event = *e;
  } else if (n == "numwant") {
    if (mark(seen_numwant)) return repeated();
    auto v = parse_decimal(p.value);
    if (!v) return malformed(n, "not a non-negative decimal integer");
    q.numwant = *v > 100000 ? 100000 : static_cast<int>(*v);
  } else if (n == "compact") {
    if (mark(seen_compact)) return repeated();
    auto f = parse_flag(p.value);
    if (!f) return malformed(n, "must be 0 or 1");
    q.compact = *f;
  } else if (n == "no_peer_id") {
    if (mark(seen_no_peer_id)) return repeated();
    q.no_peer_id = p.value != "0";
  } else if (n == "key") {
    if (mark(seen_key)) return repeated();
    q.key.assign(p.value);
  } else if (n == "ip") {
    if (mark(seen_ip)) return repeated();
    q.ip.assign(p.value);
  }
  return std::nullopt;
}

}  // namespace

result<announce_request> parse_announce_request(std::string_view query) {
  announce_request q;
  q.numwant = -1;      // absent: the tracker's default
  q.compact = false;   // absent: the BEP 3 list of dictionaries
  unsigned seen = 0;
  query_walker walker(query);
  while (auto p = walker.next()) {
    if (auto e = apply(q, seen, *p)) return std::move(*e);
  }
  static constexpr std::pair<unsigned, const char*> required[] = {
      {seen_info_hash, "info_hash"}, {seen_peer_id, "peer_id"}, {seen_port, "port"},
      {seen_left, "left"}};
  for (const auto& [bit, name] : required) {
    if ((seen & bit) == 0) return error{std::string("missing parameter ") + name};
  }
  return q;
}

}  // namespace shoal
