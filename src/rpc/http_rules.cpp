#include "shoal/rpc/http_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "shoal/rpc/base64.hpp"

namespace shoal::rpc {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "[::1]:9091" -> "::1", "Example.org:80" -> "example.org".
std::string host_name(std::string_view host) {
  host = trim(host);
  if (host.starts_with('[')) {
    const auto end = host.find(']');
    if (end == std::string_view::npos) return {};
    return lower(host.substr(1, end - 1));
  }
  const auto colon = host.find(':');
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) host = host.substr(0, colon);
  std::string out = lower(host);
  if (!out.empty() && out.back() == '.') out.pop_back();  // "localhost." is localhost
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool host_allowed(std::string_view host_header, std::string_view bind_address, const std::vector<std::string>& extra) {
  const std::string name = host_name(host_header);
  if (name.empty()) return false;
  if (name == "localhost" || name == "127.0.0.1" || name == "::1") return true;
  const std::string bind = host_name(bind_address.find(':') != std::string_view::npos && !bind_address.starts_with('[')
                                         ? "[" + std::string(bind_address) + "]"
                                         : std::string(bind_address));
  if (name == bind && bind != "0.0.0.0" && bind != "::") return true;
  return std::any_of(extra.begin(), extra.end(), [&](const std::string& e) { return host_name(e) == name; });
}

std::optional<credentials> parse_basic_auth(std::string_view authorization) {
  authorization = trim(authorization);
  if (authorization.size() < 6 || lower(authorization.substr(0, 6)) != "basic ") return std::nullopt;
  auto decoded = base64_decode(trim(authorization.substr(6)));
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

result<credentials> parse_login(std::string_view body) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return error{error_code::invalid_data, "the body must be a JSON object"};
  const auto& o = doc.get_object();
  credentials c;
  for (auto [key, out] : {std::pair{"username", &c.username}, std::pair{"password", &c.password}}) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return error{error_code::invalid_data, std::string(key) + ": missing or not a string"};
    *out = std::string(v->get_string());
  }
  return c;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view part = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = part.find('=');
    if (eq != std::string_view::npos && trim(part.substr(0, eq)) == name) return std::string(trim(part.substr(eq + 1)));
  }
  return std::nullopt;
}

std::optional<std::string> web_path(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (!target.starts_with('/')) return std::nullopt;
  std::string decoded;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      decoded += target[i];
      continue;
    }
    if (i + 2 >= target.size() || hex_digit(target[i + 1]) < 0 || hex_digit(target[i + 2]) < 0)
      return std::nullopt;
    decoded += static_cast<char>(hex_digit(target[i + 1]) * 16 + hex_digit(target[i + 2]));
    i += 2;
  }
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) return std::nullopt;
  std::string out;
  std::string_view rest = std::string_view(decoded).substr(1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty()) {
      if (rest.empty()) break;  // a trailing slash
      return std::nullopt;
    }
    if (seg == "." || seg == ".." || seg.starts_with('.')) return std::nullopt;  // no dot files either
    if (!out.empty()) out += '/';
    out += seg;
  }
  if (out.empty() || decoded.ends_with('/')) out += out.empty() ? "index.html" : "/index.html";
  return out;
}

std::string_view content_type(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
  }};
  const auto dot = path.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string ext = lower(path.substr(dot));
    for (const auto& [e, type] : types)
      if (e == ext) return type;
  }
  return "application/octet-stream";
}

void login_throttle::forget_old(clock::time_point now) {
  for (auto it = sources_.begin(); it != sources_.end();)
    it = now - it->second.last > std::chrono::minutes(15) ? sources_.erase(it) : std::next(it);
}

std::chrono::milliseconds login_throttle::penalty(const std::string& source, clock::time_point now) {
  forget_old(now);
  auto it = sources_.find(source);
  if (it == sources_.end() || it->second.failures == 0) return std::chrono::milliseconds(0);
  const int shift = std::min(it->second.failures - 1, 5);
  return std::chrono::milliseconds(250 << shift);
}

void login_throttle::failed(const std::string& source, clock::time_point now) {
  forget_old(now);
  auto& r = sources_[source];
  r.failures = std::min(r.failures + 1, 1000);
  r.last = now;
}

void login_throttle::succeeded(const std::string& source) { sources_.erase(source); }

}  // namespace shoal::rpc
