#include "shoal/tracker/server/store_location.hpp"

#include <charconv>

namespace shoal::tracker {

namespace {

error bad(std::string_view text, std::string_view why) {
  return error{std::string(text) + ": " + std::string(why) +
               " (expected memory or redis://HOST:PORT[/DB])"};
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

std::string store_location::str() const {
  if (type == kind::memory) return "memory";
  bool v6 = host.find(':') != std::string::npos;
  return "redis://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
         std::to_string(db);
}

result<store_location> parse_store_location(std::string_view text) {
  store_location loc;
  if (text == "memory") return loc;
  constexpr std::string_view scheme = "redis://";
  if (!text.starts_with(scheme)) return bad(text, "unknown store");
  loc.type = store_location::kind::redis;
  std::string_view rest = text.substr(scheme.size());
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return bad(text, "credentials are not supported");
  }
  if (authority.size() < rest.size()) {
    std::string_view db = rest.substr(authority.size() + 1);
    if (!db.empty() && (!parse_number(db, loc.db) || loc.db < 0 || loc.db > 1000000)) {
      return bad(text, "database must be a number");
    }
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad(text, "unclosed [ in host");
    loc.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return bad(text, "junk after ]");
    if (!after.empty()) port = after.substr(1);
    if (after == ":") return bad(text, "empty port");
  } else {
    auto colon = authority.find(':');
    if (colon != authority.rfind(':')) {
      return bad(text, "an IPv6 host needs brackets ([::1]:6379)");
    }
    loc.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return bad(text, "empty port");
    }
  }
  if (loc.host.empty()) return bad(text, "missing host");
  if (!port.empty() && (!parse_number(port, loc.port) || loc.port == 0)) {
    return bad(text, "port must be 1-65535");
  }
  return loc;
}

}  // namespace shoal::tracker
