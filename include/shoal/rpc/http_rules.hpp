#pragma once
// The HTTP side's rules, without sockets (unit-tested alone): which Host headers are ours (DNS rebinding),
// Basic credentials and cookies, the web root's paths and content types, and slowing down failed logins.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/util/result.hpp"

namespace shoal::rpc {

// The Host header's name (port and IPv6 brackets stripped, lower case) is the bind address, localhost,
// 127.0.0.1, ::1 or one of `extra`. An empty or absent header is refused too.
bool host_allowed(std::string_view host_header, std::string_view bind_address, const std::vector<std::string>& extra);

struct credentials {
  std::string username;
  std::string password;
};

// "Basic base64(user:password)"; nullopt for another scheme or a malformed value.
std::optional<credentials> parse_basic_auth(std::string_view authorization);
// POST /login's body {"username": "...", "password": "..."}; the error names the missing or mistyped key.
result<credentials> parse_login(std::string_view body);
// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

// A request target under the web root: "/" -> "index.html", "/a/b.js?x" -> "a/b.js". Percent-escapes are
// decoded; "..", ".", empty segments in the middle, a NUL or a backslash: nullopt (no way out of the root).
std::optional<std::string> web_path(std::string_view target);
// By extension: html, js, css, svg, png, ico, json (and a few more); else application/octet-stream.
std::string_view content_type(std::string_view path);

// Failed logins per source address: each failure doubles the wait before the next answer to that source
// (250 ms, 500 ms, ... at most 8 s); a success or 15 quiet minutes forget them. Time is passed in.
class login_throttle {
 public:
  using clock = std::chrono::steady_clock;
  std::chrono::milliseconds penalty(const std::string& source, clock::time_point now);
  void failed(const std::string& source, clock::time_point now);
  void succeeded(const std::string& source);

 private:
  struct record {
    int failures = 0;
    clock::time_point last;
  };
  void forget_old(clock::time_point now);
  std::map<std::string, record> sources_;
};

}  // namespace shoal::rpc
