#include "shoal/dht/protocol/krpc.hpp"

#include <cstring>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

namespace shoal::dht {

namespace {

using bencode::value;

std::string field_error(std::string_view field, std::string_view what) {
  return "krpc: " + std::string(field) + ": " + std::string(what);
}

result<const value*> typed(const value& d, std::string_view key, bool (value::*is)() const, const char* type) {
  const auto* v = d.find(key);
  if (!v) return error{field_error(key, "missing")};
  if (!(v->*is)()) return error{field_error(key, std::string("a ") + v->type_name() + ", not " + type)};
  return v;
}

result<node_id> read_id(const value& d, std::string_view key) {
  auto v = typed(d, key, &value::is_string, "a string");
  if (!v) return v.err();
  node_id id;
  if (!sha1_digest::from_bytes((*v)->as_string(), id))
    return error{field_error(key, std::to_string((*v)->as_string().size()) + " bytes, not 20")};
  return id;
}

peer_address compact_peer(const char* p, bool v6) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return v6 ? peer_address::from_compact_v6(u) : peer_address::from_compact_v4(u);
}

result<std::vector<node_info>> read_nodes(const value& r, std::string_view key, bool v6) {
  std::vector<node_info> out;
  const auto* v = r.find(key);
  if (!v) return out;
  if (!v->is_string()) return error{field_error(key, std::string("a ") + v->type_name() + ", not a string")};
  const auto& s = v->as_string();
  const std::size_t entry = v6 ? compact_node_v6_size : compact_node_v4_size;
  if (s.size() % entry != 0)
    return error{field_error(key, std::to_string(s.size()) + " bytes, not a multiple of " + std::to_string(entry))};
  out.reserve(s.size() / entry);  // bounded by the packet limit
  for (std::size_t at = 0; at < s.size(); at += entry) {
    node_info n;
    std::memcpy(n.id.bytes.data(), s.data() + at, 20);
    n.address = compact_peer(s.data() + at + 20, v6);
    out.push_back(n);
  }
  return out;
}

status read_values(const value& r, const krpc_limits& limits, krpc_response& resp) {
  const auto* v = r.find("values");
  if (!v) return ok();
  if (!v->is_list()) return error{field_error("values", std::string("a ") + v->type_name() + ", not a list")};
  std::size_t i = 0;
  for (const auto& e : v->as_list()) {
    if (!e.is_string() || (e.as_string().size() != 6 && e.as_string().size() != 18))
      return error{field_error("values[" + std::to_string(i) + "]", "not a 6- or 18-byte compact peer")};
    ++i;
    if (resp.values.size() >= limits.max_values) {
      ++resp.values_dropped;
      continue;
    }
    resp.values.push_back(compact_peer(e.as_string().data(), e.as_string().size() == 18));
  }
  return ok();
}

result<krpc_response> read_response(const value& msg, const krpc_limits& limits) {
  auto r = typed(msg, "r", &value::is_dict, "a dictionary");
  if (!r) return r.err();
  krpc_response resp;
  auto id = read_id(**r, "id");
  if (!id) return id.err();
  resp.id = *id;
  auto nodes = read_nodes(**r, "nodes", false);
  if (!nodes) return nodes.err();
  resp.nodes = std::move(*nodes);
  auto nodes6 = read_nodes(**r, "nodes6", true);
  if (!nodes6) return nodes6.err();
  resp.nodes6 = std::move(*nodes6);
  if (auto s = read_values(**r, limits, resp); !s) return s.err();
  if (const auto* t = (*r)->find("token")) {
    if (!t->is_string()) return error{field_error("token", std::string("a ") + t->type_name() + ", not a string")};
    resp.token = t->as_string();
  }
  return resp;
}

result<krpc_error> read_error(const value& msg) {
  auto e = typed(msg, "e", &value::is_list, "a list");
  if (!e) return e.err();
  const auto& l = (*e)->as_list();
  if (l.size() < 2 || !l[0].is_int() || !l[1].is_string())
    return error{field_error("e", "not [code, message]")};
  return krpc_error{l[0].as_int(), l[1].as_string()};
}

query_method method_of(std::string_view name) {
  if (name == "ping") return query_method::ping;
  if (name == "find_node") return query_method::find_node;
  if (name == "get_peers") return query_method::get_peers;
  if (name == "announce_peer") return query_method::announce_peer;
  return query_method::unknown;
}

status read_announce(const value& a, krpc_query& q) {
  if (const auto* ip = a.find("implied_port"); ip && ip->is_int()) q.implied_port = ip->as_int() != 0;
  if (const auto* p = a.find("port")) {
    if (!p->is_int()) return error{field_error("port", std::string("a ") + p->type_name() + ", not an integer")};
    if (p->as_int() < 0 || p->as_int() > 65535 || (p->as_int() == 0 && !q.implied_port))
      return error{field_error("port", std::to_string(p->as_int()) + " out of range")};
    q.port = static_cast<std::uint16_t>(p->as_int());
  } else if (!q.implied_port) {
    return error{field_error("port", "missing")};
  }
  auto token = typed(a, "token", &value::is_string, "a string");
  if (!token) return token.err();
  q.token = (*token)->as_string();
  return ok();
}

result<krpc_query> read_query(const value& msg) {
  auto name = typed(msg, "q", &value::is_string, "a string");
  if (!name) return name.err();
  auto a = typed(msg, "a", &value::is_dict, "a dictionary");
  if (!a) return a.err();
  krpc_query q;
  q.method_name = (*name)->as_string();
  q.method = method_of(q.method_name);
  if (q.method == query_method::unknown) {
    if (auto id = read_id(**a, "id")) q.id = *id;  // kept when well-formed; never required
    return q;
  }
  auto id = read_id(**a, "id");
  if (!id) return id.err();
  q.id = *id;
  if (q.method == query_method::find_node) {
    auto t = read_id(**a, "target");
    if (!t) return t.err();
    q.target = *t;
  } else if (q.method == query_method::get_peers || q.method == query_method::announce_peer) {
    auto h = read_id(**a, "info_hash");
    if (!h) return h.err();
    q.info_hash = *h;
    if (q.method == query_method::announce_peer)
      if (auto s = read_announce(**a, q); !s) return s.err();
  }
  return q;
}

status read_envelope(const value& msg, const krpc_limits& limits, krpc_message& m) {
  auto t = typed(msg, "t", &value::is_string, "a string");
  if (!t) return t.err();
  if ((*t)->as_string().size() > limits.max_transaction)
    return error{field_error("t", std::to_string((*t)->as_string().size()) + " bytes, above the limit of " +
                                      std::to_string(limits.max_transaction))};
  m.transaction = (*t)->as_string();
  if (const auto* v = msg.find("v"); v && v->is_string()) m.version = v->as_string();
  if (const auto* ro = msg.find("ro"); ro && ro->is_int()) m.read_only = ro->as_int() == 1;
  if (const auto* ip = msg.find("ip"); ip && ip->is_string()) {
    const auto& s = ip->as_string();
    if (s.size() == 6 || s.size() == 18) m.your_ip = compact_peer(s.data(), s.size() == 18);
  }
  return ok();
}

value query_arguments(const krpc_query& q) {
  bencode::dict a;
  a.emplace("id", q.id.str());
  switch (q.method) {
    case query_method::find_node: a.emplace("target", q.target.str()); break;
    case query_method::get_peers: a.emplace("info_hash", q.info_hash.str()); break;
    case query_method::announce_peer:
      a.emplace("info_hash", q.info_hash.str());
      if (q.implied_port) a.emplace("implied_port", 1);
      a.emplace("port", bencode::integer{q.port});
      a.emplace("token", q.token);
      break;
    default: break;
  }
  return a;
}

value response_body(const krpc_response& r) {
  bencode::dict d;
  d.emplace("id", r.id.str());
  if (!r.nodes.empty()) {
    std::string s;
    for (const auto& n : r.nodes) append_compact_node(s, n);
    d.emplace("nodes", std::move(s));
  }
  if (!r.nodes6.empty()) {
    std::string s;
    for (const auto& n : r.nodes6) append_compact_node(s, n);
    d.emplace("nodes6", std::move(s));
  }
  if (r.token) d.emplace("token", *r.token);
  if (!r.values.empty()) {
    bencode::list l;
    for (const auto& p : r.values) {
      std::string s;
      p.append_compact(s);
      l.emplace_back(std::move(s));
    }
    d.emplace("values", std::move(l));
  }
  return d;
}

}  // namespace

std::string_view to_string(query_method m) noexcept {
  switch (m) {
    case query_method::ping: return "ping";
    case query_method::find_node: return "find_node";
    case query_method::get_peers: return "get_peers";
    case query_method::announce_peer: return "announce_peer";
    case query_method::unknown: break;
  }
  return "unknown";
}

void append_compact_node(std::string& out, const node_info& n) {
  out += n.id.view();
  n.address.append_compact(out);
}

result<krpc_message> decode_krpc(std::string_view packet, const krpc_limits& limits) {
  if (packet.size() > limits.max_packet)
    return error{"krpc: " + std::to_string(packet.size()) + "-byte packet, above the limit of " +
                 std::to_string(limits.max_packet)};
  bencode::decode_limits bl;
  bl.max_input = limits.max_packet;
  bl.max_depth = 8;
  bl.max_items = 1024;
  auto msg = bencode::decode(packet, bl);
  if (!msg) return error{"krpc: " + msg.message()};
  if (!msg->is_dict()) return error{std::string("krpc: a ") + msg->type_name() + ", not a dictionary"};
  krpc_message m;
  if (auto s = read_envelope(*msg, limits, m); !s) return s.err();
  auto y = typed(*msg, "y", &value::is_string, "a string");
  if (!y) return y.err();
  const auto& kind = (*y)->as_string();
  if (kind == "q") {
    auto q = read_query(*msg);
    if (!q) return q.err();
    m.body = std::move(*q);
  } else if (kind == "r") {
    auto r = read_response(*msg, limits);
    if (!r) return r.err();
    m.body = std::move(*r);
  } else if (kind == "e") {
    auto e = read_error(*msg);
    if (!e) return e.err();
    m.body = std::move(*e);
  } else {
    return error{field_error("y", "\"" + kind.substr(0, 16) + "\" is none of q, r, e")};
  }
  return m;
}

std::string encode_krpc(const krpc_message& m) {
  bencode::dict d;
  d.emplace("t", m.transaction);
  if (m.version) d.emplace("v", *m.version);
  if (m.read_only) d.emplace("ro", 1);
  if (m.your_ip) {
    std::string s;
    m.your_ip->append_compact(s);
    d.emplace("ip", std::move(s));
  }
  if (const auto* q = std::get_if<krpc_query>(&m.body)) {
    d.emplace("y", "q");
    d.emplace("q", q->method == query_method::unknown ? q->method_name : std::string(to_string(q->method)));
    d.emplace("a", query_arguments(*q));
  } else if (const auto* r = std::get_if<krpc_response>(&m.body)) {
    d.emplace("y", "r");
    d.emplace("r", response_body(*r));
  } else {
    const auto& e = std::get<krpc_error>(m.body);
    d.emplace("y", "e");
    d.emplace("e", bencode::list{value(e.code), value(e.message)});
  }
  return bencode::encode(value(std::move(d)));
}

}  // namespace shoal::dht
