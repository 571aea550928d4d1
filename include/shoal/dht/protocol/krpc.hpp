#pragma once
// BEP 5 KRPC messages (with BEP 32 nodes6/want-less IPv6 nodes, BEP 42 "ip", BEP 43 "ro"):
// queries, responses and errors as bencoded UDP datagrams. Pure: packet bytes in, struct out.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/addr/peer_address.hpp"
#include "shoal/util/result.hpp"

namespace shoal::dht {

// Node ids live in the same 160-bit space as info-hashes (distance is their XOR).
using node_id = sha1_digest;

// A node as compact node info carries it: 26 bytes (id, IPv4, port) or 38 (id, IPv6, port).
struct node_info {
  node_id id;
  peer_address address;
  friend bool operator==(const node_info&, const node_info&) = default;
};
inline constexpr std::size_t compact_node_v4_size = 26;
inline constexpr std::size_t compact_node_v6_size = 38;
void append_compact_node(std::string& out, const node_info& n);

enum class query_method : std::uint8_t { ping, find_node, get_peers, announce_peer, unknown };
std::string_view to_string(query_method m) noexcept;

struct krpc_query {
  query_method method = query_method::ping;
  std::string method_name;  // as sent; what an unknown method is called
  node_id id;               // the querying node
  node_id target;           // find_node
  node_id info_hash;        // get_peers, announce_peer
  std::uint16_t port = 0;   // announce_peer
  bool implied_port = false;  // announce_peer: use the packet's source port instead
  std::string token;          // announce_peer
};

struct krpc_response {
  node_id id;  // the responding node
  std::vector<node_info> nodes;   // "nodes" (IPv4)
  std::vector<node_info> nodes6;  // "nodes6" (IPv6, BEP 32)
  std::vector<peer_address> values;  // get_peers: compact peers (6 or 18 bytes each)
  std::optional<std::string> token;  // get_peers
  std::size_t values_dropped = 0;    // values beyond the cap: counted, not kept
};

struct krpc_error {
  std::int64_t code = 0;
  std::string message;
};

// Error codes of BEP 5.
namespace krpc_errc {
inline constexpr std::int64_t generic = 201;
inline constexpr std::int64_t server = 202;
inline constexpr std::int64_t protocol = 203;
inline constexpr std::int64_t method_unknown = 204;
}  // namespace krpc_errc

struct krpc_message {
  std::string transaction;  // "t": opaque bytes, echoed back
  std::variant<krpc_query, krpc_response, krpc_error> body;
  std::optional<std::string> version;  // "v": client version, opaque
  std::optional<peer_address> your_ip;  // "ip" (BEP 42): the requester's address as seen
  bool read_only = false;               // "ro" (BEP 43): do not add this node to a routing table

  bool is_query() const { return body.index() == 0; }
  bool is_response() const { return body.index() == 1; }
  bool is_error() const { return body.index() == 2; }
};

struct krpc_limits {
  // Longer datagrams are refused before decoding: honest ones fit an Ethernet frame (libtorrent
  // sends at most ~1500 bytes); a little slack for large "v" strings.
  std::size_t max_packet = 2048;
  // get_peers values beyond this are dropped deliberately (counted in values_dropped): the
  // packet limit already bounds them, this bounds what a caller must handle.
  std::size_t max_values = 100;
  std::size_t max_transaction = 32;  // a longer "t" is refused
};

// Refused, with a message naming the field: oversized packets, garbage bencode, a missing or
// wrong "y"/"t", ids and hashes that are not 20 bytes, a compact list whose length is not a
// multiple of its entry size, announce_peer without a token or a port, an "e" that is not
// [code, message]. An unrecognised query method decodes as query_method::unknown (the node
// answers it with error 204); its arguments are not checked beyond "a" being a dictionary.
result<krpc_message> decode_krpc(std::string_view packet, const krpc_limits& limits = {});

std::string encode_krpc(const krpc_message& m);

}  // namespace shoal::dht
