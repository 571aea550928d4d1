#include "shoal/rpc/request.hpp"

#include <array>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "shoal/rpc/base64.hpp"
#include "shoal/util/hex.hpp"

namespace json = boost::json;

namespace shoal::rpc {

namespace {

constexpr std::array<std::pair<std::string_view, method>, 16> methods{{
    {"torrent-add", method::torrent_add},
    {"torrent-get", method::torrent_get},
    {"torrent-start", method::torrent_start},
    {"torrent-start-now", method::torrent_start_now},
    {"torrent-stop", method::torrent_stop},
    {"torrent-verify", method::torrent_verify},
    {"torrent-reannounce", method::torrent_reannounce},
    {"torrent-remove", method::torrent_remove},
    {"torrent-set", method::torrent_set},
    {"session-get", method::session_get},
    {"session-set", method::session_set},
    {"session-stats", method::session_stats},
    {"free-space", method::free_space},
    {"port-test", method::port_test},
    {"torrent-create", method::torrent_create},
    {"shoal-browse", method::shoal_browse},
}};

error bad(std::string_view key, std::string_view why) {
  return error{error_code::invalid_data, "arguments." + std::string(key) + ": " + std::string(why)};
}

// Each reads one optional argument; absent leaves `out` as it is, a wrong type is an error naming the key.
status read(const json::object& a, std::string_view key, std::optional<std::string>& out) {
  const auto* v = a.if_contains(key);
  if (v == nullptr) return ok();
  if (!v->is_string()) return bad(key, "must be a string");
  out = std::string(v->get_string());
  return ok();
}

status read(const json::object& a, std::string_view key, std::optional<std::int64_t>& out) {
  const auto* v = a.if_contains(key);
  if (v == nullptr) return ok();
  if (v->is_int64()) {
    out = v->get_int64();
  } else if (v->is_uint64()) {
    return bad(key, "number too large");
  } else if (v->is_double() && v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double())) &&
             v->get_double() > -9.0e18 && v->get_double() < 9.0e18) {
    out = static_cast<std::int64_t>(v->get_double());
  } else {
    return bad(key, "must be an integer");
  }
  return ok();
}

// Transmission's clients send booleans as true/false, some as 0/1.
status read(const json::object& a, std::string_view key, std::optional<bool>& out) {
  const auto* v = a.if_contains(key);
  if (v == nullptr) return ok();
  if (v->is_bool()) out = v->get_bool();
  else if (v->is_int64() && (v->get_int64() == 0 || v->get_int64() == 1)) out = v->get_int64() == 1;
  else return bad(key, "must be a boolean");
  return ok();
}

status read_flag(const json::object& a, std::string_view key, bool& out) {
  std::optional<bool> v;
  if (auto st = read(a, key, v); !st) return st;
  if (v) out = *v;
  return ok();
}

result<sha1_digest> hash_from(std::string_view text) {
  auto raw = from_hex(text);
  sha1_digest d;
  if (!raw || !sha1_digest::from_bytes(*raw, d)) return bad("ids", "'" + std::string(text.substr(0, 64)) + "' is neither an id nor a 40-digit info-hash");
  return d;
}

status add_id(id_selector& s, const json::value& v) {
  if (v.is_int64() && v.get_int64() > 0 && v.get_int64() <= 0xFFFFFFFFll) {
    s.ids.push_back(static_cast<session::torrent_id>(v.get_int64()));
    return ok();
  }
  if (v.is_string()) {
    auto h = hash_from(v.get_string());
    if (!h) return h.err();
    s.hashes.push_back(*h);
    return ok();
  }
  return bad("ids", "each must be a positive integer id or an info-hash string");
}

result<id_selector> read_ids(const json::object& a) {
  id_selector s;
  const auto* v = a.if_contains("ids");
  if (v == nullptr) return s;
  s.what = id_selector::kind::listed;
  if (v->is_string() && v->get_string() == "recently-active") {
    s.what = id_selector::kind::recently_active;
    return s;
  }
  if (v->is_array()) {
    for (const auto& x : v->get_array())
      if (auto st = add_id(s, x); !st) return st.err();
    return s;
  }
  if (auto st = add_id(s, *v); !st) return st.err();  // a bare integer (transmission-remote -t 3) or hash
  return s;
}

result<std::vector<std::string>> read_strings(const json::object& a, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = a.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return bad(key, "must be an array of strings");
  for (const auto& x : v->get_array()) {
    if (!x.is_string()) return bad(key, "must be an array of strings");
    out.emplace_back(x.get_string());
  }
  return out;
}

result<call_args> read_add(const json::object& a) {
  torrent_add_args r;
  if (auto st = read(a, "filename", r.filename); !st) return st.err();
  std::optional<std::string> b64;
  if (auto st = read(a, "metainfo", b64); !st) return st.err();
  if (auto st = read(a, "download-dir", r.download_dir); !st) return st.err();
  if (auto st = read_flag(a, "paused", r.paused); !st) return st.err();
  if (b64) {
    auto raw = base64_decode(*b64);
    if (!raw) return bad("metainfo", "not valid base64");
    r.metainfo = std::move(*raw);
  }
  if (!r.filename && !r.metainfo) return error{error_code::invalid_data, "no filename or metainfo specified"};
  return call_args{std::move(r)};
}

result<call_args> read_get(const json::object& a) {
  torrent_get_args r;
  auto fields = read_strings(a, "fields");
  if (!fields) return fields.err();
  if (fields->empty()) return error{error_code::invalid_data, "arguments.fields: no fields given"};
  r.fields = std::move(*fields);
  std::optional<std::string> format;
  if (auto st = read(a, "format", format); !st) return st.err();
  if (format && *format != "objects" && *format != "table") return bad("format", "must be \"objects\" or \"table\"");
  r.table = format && *format == "table";
  return call_args{std::move(r)};
}

result<call_args> read_set(const json::object& a) {
  torrent_set_args r;
  for (auto st : {read(a, "downloadLimit", r.download_limit), read(a, "uploadLimit", r.upload_limit),
                  read(a, "downloadLimited", r.download_limited), read(a, "uploadLimited", r.upload_limited),
                  read(a, "peer-limit", r.peer_limit)})
    if (!st) return st.err();
  for (auto* v : {&r.download_limit, &r.upload_limit, &r.peer_limit})
    if (*v && **v < 0) return bad(v == &r.peer_limit ? "peer-limit" : v == &r.download_limit ? "downloadLimit" : "uploadLimit", "must not be negative");
  return call_args{r};
}

result<call_args> read_session_set(const json::object& a) {
  session_set_args r;
  for (auto st : {read(a, "download-dir", r.download_dir), read(a, "speed-limit-down", r.speed_limit_down),
                  read(a, "speed-limit-up", r.speed_limit_up),
                  read(a, "speed-limit-down-enabled", r.speed_limit_down_enabled),
                  read(a, "speed-limit-up-enabled", r.speed_limit_up_enabled),
                  read(a, "alt-speed-down", r.alt_speed_down), read(a, "alt-speed-up", r.alt_speed_up),
                  read(a, "alt-speed-enabled", r.alt_speed_enabled),
                  read(a, "peer-limit-global", r.peer_limit_global),
                  read(a, "peer-limit-per-torrent", r.peer_limit_per_torrent)})
    if (!st) return st.err();
  const std::pair<const std::optional<std::int64_t>*, const char*> limits[] = {
      {&r.speed_limit_down, "speed-limit-down"}, {&r.speed_limit_up, "speed-limit-up"},
      {&r.alt_speed_down, "alt-speed-down"},     {&r.alt_speed_up, "alt-speed-up"},
      {&r.peer_limit_global, "peer-limit-global"}, {&r.peer_limit_per_torrent, "peer-limit-per-torrent"}};
  for (const auto& [v, key] : limits)
    if (*v && **v < 0) return bad(key, "must not be negative");
  return call_args{std::move(r)};
}

result<call_args> read_create(const json::object& a) {
  torrent_create_args r;
  std::optional<std::string> path, comment;
  std::optional<std::int64_t> piece_size;
  for (auto st : {read(a, "path", path), read(a, "comment", comment), read(a, "piece-size", piece_size),
                  read_flag(a, "private", r.is_private)})
    if (!st) return st.err();
  if (!path || path->empty()) return bad("path", "missing");
  auto trackers = read_strings(a, "trackers");
  if (!trackers) return trackers.err();
  if (piece_size && *piece_size < 0) return bad("piece-size", "must not be negative");
  r.path = std::move(*path);
  r.comment = comment.value_or("");
  r.piece_size = piece_size.value_or(0);
  r.trackers = std::move(*trackers);
  return call_args{std::move(r)};
}

result<call_args> read_args(method m, const json::object& a) {
  switch (m) {
    case method::torrent_add: return read_add(a);
    case method::torrent_get: return read_get(a);
    case method::torrent_remove: {
      torrent_remove_args r;
      if (auto st = read_flag(a, "delete-local-data", r.delete_local_data); !st) return st.err();
      return call_args{r};
    }
    case method::torrent_set: return read_set(a);
    case method::session_set: return read_session_set(a);
    case method::free_space: {
      std::optional<std::string> path;
      if (auto st = read(a, "path", path); !st) return st.err();
      if (!path) return bad("path", "missing");
      return call_args{free_space_args{std::move(*path)}};
    }
    case method::torrent_create: return read_create(a);
    case method::shoal_browse: {
      browse_args r;
      if (auto st = read(a, "path", r.path); !st) return st.err();
      return call_args{std::move(r)};
    }
    default: return call_args{};
  }
}

bool takes_ids(method m) {
  switch (m) {
    case method::torrent_get:
    case method::torrent_start:
    case method::torrent_start_now:
    case method::torrent_stop:
    case method::torrent_verify:
    case method::torrent_reannounce:
    case method::torrent_remove:
    case method::torrent_set: return true;
    default: return false;
  }
}

}  // namespace

std::string_view to_string(method m) {
  for (const auto& [name, value] : methods)
    if (value == m) return name;
  return "unknown";
}

method method_from(std::string_view name) {
  for (const auto& [n, value] : methods)
    if (n == name) return value;
  return method::unknown;
}

result<rpc_call> parse_request(std::string_view body) {
  if (body.size() > max_request_body) return error{error_code::invalid_data, "request body larger than 10 MiB"};
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return error{error_code::invalid_data, "malformed JSON body: " + ec.message()};
  if (!doc.is_object()) return error{error_code::invalid_data, "malformed request: the body must be a JSON object"};
  const auto& o = doc.get_object();
  rpc_call c;
  if (const auto* tag = o.if_contains("tag")) {
    if (!tag->is_int64()) return error{error_code::invalid_data, "tag: must be an integer"};
    c.tag = tag->get_int64();
  }
  const auto* m = o.if_contains("method");
  if (m == nullptr || !m->is_string()) return error{error_code::invalid_data, "method: missing or not a string"};
  c.method_name = std::string(m->get_string());
  c.what = method_from(c.method_name);
  json::object empty;
  const json::object* args = &empty;
  if (const auto* a = o.if_contains("arguments")) {
    if (!a->is_object()) return error{error_code::invalid_data, "arguments: must be an object"};
    args = &a->get_object();
  }
  if (takes_ids(c.what)) {
    auto ids = read_ids(*args);
    if (!ids) return ids.err();
    c.ids = std::move(*ids);
  }
  auto parsed = read_args(c.what, *args);
  if (!parsed) return parsed.err();
  c.args = std::move(*parsed);
  return c;
}

}  // namespace shoal::rpc
