#include "shoal/tracker/protocol/announce_response.hpp"

#include "shoal/bencode/decode.hpp"

namespace shoal {

namespace {

using bencode::value;

error bad(std::string what) { return error{"announce reply: " + std::move(what)}; }

// An optional non-negative integer field; false (and `err` set) when present but wrong.
bool read_count(const value& root, std::string_view key, std::optional<std::int64_t>& out,
                std::optional<error>& err) {
  const value* v = root.find(key);
  if (!v) return true;
  if (!v->is_int() || v->as_int() < 0) {
    err = bad("\"" + std::string(key) + "\" must be a non-negative integer, found " +
              (v->is_int() ? std::to_string(v->as_int()) : std::string(v->type_name())));
    return false;
  }
  out = v->as_int();
  return true;
}

bool read_text(const value& root, std::string_view key, std::string& out,
               std::optional<error>& err) {
  const value* v = root.find(key);
  if (!v) return true;
  if (!v->is_string()) {
    err = bad("\"" + std::string(key) + "\" must be a string, found " + v->type_name());
    return false;
  }
  out = v->as_string();
  return true;
}

std::optional<error> read_compact(const std::string& bytes, std::string_view key,
                                  std::size_t stride, std::vector<peer_address>& peers) {
  if (bytes.size() % stride != 0)
    return bad("\"" + std::string(key) + "\" compact string of " + std::to_string(bytes.size()) +
               " bytes is not a multiple of " + std::to_string(stride));
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  peers.reserve(peers.size() + bytes.size() / stride);
  for (std::size_t off = 0; off < bytes.size(); off += stride) {
    peer_address a = stride == 6 ? peer_address::from_compact_v4(p + off)
                                 : peer_address::from_compact_v6(p + off);
    if (a.port != 0) peers.push_back(a);
  }
  return std::nullopt;
}

std::optional<error> read_peer_dicts(const bencode::list& list,
                                     std::vector<peer_address>& peers) {
  peers.reserve(peers.size() + list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "peers[" + std::to_string(i) + "]";
    const value& entry = list[i];
    if (!entry.is_dict())
      return bad(where + " must be a dictionary, found " + entry.type_name());
    const value* ip = entry.find("ip");
    const value* port = entry.find("port");
    if (!ip || !ip->is_string()) return bad(where + ".ip must be a string");
    if (!port || !port->is_int() || port->as_int() < 0 || port->as_int() > 65535)
      return bad(where + ".port must be an integer in 0..65535");
    auto a = peer_address::from_ip(ip->as_string(), static_cast<std::uint16_t>(port->as_int()));
    if (a && a->port != 0) peers.push_back(*a);
  }
  return std::nullopt;
}

std::optional<error> read_peers(const value& root, std::vector<peer_address>& peers) {
  if (const value* v = root.find("peers")) {
    if (v->is_string()) {
      if (auto e = read_compact(v->as_string(), "peers", 6, peers)) return e;
    } else if (v->is_list()) {
      if (auto e = read_peer_dicts(v->as_list(), peers)) return e;
    } else {
      return bad(std::string("\"peers\" must be a string or a list, found ") + v->type_name());
    }
  }
  if (const value* v = root.find("peers6")) {
    if (!v->is_string())
      return bad(std::string("\"peers6\" must be a string, found ") + v->type_name());
    if (auto e = read_compact(v->as_string(), "peers6", 18, peers)) return e;
  }
  return std::nullopt;
}

bool only_whitespace(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

result<announce_response> parse_announce_response(std::string_view body) {
  if (body.size() > max_announce_response_size)
    return bad("body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
               std::to_string(max_announce_response_size));
  bencode::decode_limits limits;
  limits.max_depth = 8;
  limits.max_items = 200'000;
  limits.max_input = max_announce_response_size;
  std::size_t consumed = 0;
  auto decoded = bencode::decode_prefix(body, consumed, limits);
  if (!decoded) return bad(decoded.message());
  // Some trackers end the body with a newline; anything else after the value is garbage.
  if (!only_whitespace(body.substr(consumed)))
    return bad(std::to_string(body.size() - consumed) + " trailing bytes after the dictionary");
  const value& root = *decoded;
  if (!root.is_dict()) return bad(std::string("expected a dictionary, found ") + root.type_name());

  if (const value* failure = root.find("failure reason")) {
    if (failure->is_string()) return error{std::string(tracker_failure_prefix) + failure->as_string()};
    return error{"tracker failure: (reason is not a string)"};
  }

  announce_response reply;
  std::optional<error> err;
  std::optional<std::int64_t> interval;
  if (!read_count(root, "interval", interval, err) ||
      !read_count(root, "min interval", reply.min_interval, err) ||
      !read_count(root, "complete", reply.complete, err) ||
      !read_count(root, "incomplete", reply.incomplete, err) ||
      !read_text(root, "tracker id", reply.tracker_id, err) ||
      !read_text(root, "warning message", reply.warning, err))
    return *err;
  if (interval) reply.interval = *interval;
  if (auto e = read_peers(root, reply.peers)) return *e;
  return reply;
}

}  // namespace shoal
