#include "shoal/dht/node_state.hpp"

#include <cstring>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

namespace shoal::dht {

namespace {
constexpr std::int64_t format_version = 1;

error bad(const std::string& what) { return error{error_code::invalid_data, "dht state: " + what}; }
}  // namespace

std::string encode_node_state(const node_state& s) {
  std::string nodes;
  nodes.reserve(s.nodes.size() * compact_node_v4_size);
  for (const auto& n : s.nodes)
    if (!n.address.v6) append_compact_node(nodes, n);
  bencode::dict d;
  d.emplace("id", bencode::value(std::string(reinterpret_cast<const char*>(s.id.bytes.data()), s.id.bytes.size())));
  d.emplace("nodes", bencode::value(std::move(nodes)));
  d.emplace("v", bencode::value(format_version));
  return bencode::encode(bencode::value(std::move(d)));
}

result<node_state> decode_node_state(std::string_view bytes) {
  if (bytes.size() > max_node_state_size)
    return bad(std::to_string(bytes.size()) + " bytes, more than " + std::to_string(max_node_state_size));
  auto v = bencode::decode(bytes);
  if (!v) return bad(v.message());
  if (!v->is_dict()) return bad("not a dictionary");
  const auto* version = v->find("v");
  if (!version || !version->is_int() || version->as_int() != format_version)
    return bad("\"v\": missing or not " + std::to_string(format_version));
  const auto* id = v->find("id");
  if (!id || !id->is_string() || id->as_string().size() != 20) return bad("\"id\": missing or not 20 bytes");
  const auto* nodes = v->find("nodes");
  if (!nodes || !nodes->is_string()) return bad("\"nodes\": missing or not a string");
  const auto& raw = nodes->as_string();
  if (raw.size() % compact_node_v4_size != 0)
    return bad("\"nodes\": " + std::to_string(raw.size()) + " bytes, not a multiple of " +
               std::to_string(compact_node_v4_size));
  if (raw.size() / compact_node_v4_size > max_saved_nodes)
    return bad("\"nodes\": more than " + std::to_string(max_saved_nodes) + " nodes");
  node_state s;
  std::memcpy(s.id.bytes.data(), id->as_string().data(), 20);
  for (std::size_t at = 0; at < raw.size(); at += compact_node_v4_size) {
    node_info n;
    std::memcpy(n.id.bytes.data(), raw.data() + at, 20);
    n.address = peer_address::from_compact_v4(reinterpret_cast<const unsigned char*>(raw.data() + at + 20));
    if (n.address.port == 0) return bad("\"nodes\"[" + std::to_string(at / compact_node_v4_size) + "]: port 0");
    s.nodes.push_back(n);
  }
  return s;
}

}  // namespace shoal::dht
