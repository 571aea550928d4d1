#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

#include <charconv>
#include <cstring>
#include <string>

namespace shoal::udp_tracker {

namespace {

template <class Int>
void put(std::uint8_t*& out, Int v) {
  for (int shift = (sizeof(Int) - 1) * 8; shift >= 0; shift -= 8)
    *out++ = static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> shift);
}

template <class Int>
Int get(std::string_view s, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(Int); ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return static_cast<Int>(v);
}

std::uint32_t event_code(announce_event e) {
  switch (e) {
    case announce_event::completed: return 1;
    case announce_event::started: return 2;
    case announce_event::stopped: return 3;
    case announce_event::none: break;
  }
  return 0;
}

// Non-null when the packet is an action-3 error or not the expected action.
std::optional<error> check_action(std::string_view packet, action expected, std::string_view what) {
  auto got = get<std::uint32_t>(packet, 0);
  if (got == failure)
    return error{"tracker failure: " + std::string(packet.substr(8, 1024))};
  if (got != expected)
    return error{"UDP " + std::string(what) + " reply has action " + std::to_string(got)};
  return std::nullopt;
}

}  // namespace

std::array<std::uint8_t, 16> connect_request(std::uint32_t transaction_id) {
  std::array<std::uint8_t, 16> p{};
  auto* out = p.data();
  put(out, protocol_id);
  put(out, std::uint32_t{connect});
  put(out, transaction_id);
  return p;
}

std::array<std::uint8_t, 98> announce_packet(std::uint64_t connection_id,
                                             std::uint32_t transaction_id,
                                             const announce_request& req) {
  std::array<std::uint8_t, 98> p{};
  auto* out = p.data();
  put(out, connection_id);
  put(out, std::uint32_t{announce});
  put(out, transaction_id);
  std::memcpy(out, req.info_hash.bytes.data(), 20);
  out += 20;
  std::memcpy(out, req.peer_id.data(), 20);
  out += 20;
  put(out, req.downloaded);
  put(out, req.left);
  put(out, req.uploaded);
  put(out, event_code(req.event));
  put(out, std::uint32_t{0});  // IP: the sender's
  put(out, numeric_key(req.key));
  put(out, static_cast<std::int32_t>(req.numwant < 0 ? -1 : req.numwant));
  put(out, req.port);
  return p;
}

std::optional<std::uint32_t> reply_transaction_id(std::string_view packet) {
  if (packet.size() < 8) return std::nullopt;
  return get<std::uint32_t>(packet, 4);
}

result<std::uint64_t> parse_connect_reply(std::string_view packet) {
  if (packet.size() < 8) return error{"UDP connect reply of " + std::to_string(packet.size()) + " bytes is too short"};
  if (auto e = check_action(packet, connect, "connect")) return *e;
  if (packet.size() < 16)
    return error{"UDP connect reply of " + std::to_string(packet.size()) + " bytes is too short"};
  return get<std::uint64_t>(packet, 8);
}

result<announce_reply> parse_announce_packet(std::string_view packet, bool ipv6_peers) {
  if (packet.size() < 8) return error{"UDP announce reply of " + std::to_string(packet.size()) + " bytes is too short"};
  if (auto e = check_action(packet, announce, "announce")) return *e;
  if (packet.size() < 20)
    return error{"UDP announce reply of " + std::to_string(packet.size()) + " bytes is too short"};
  announce_reply reply;
  reply.interval = get<std::uint32_t>(packet, 8);
  reply.incomplete = get<std::uint32_t>(packet, 12);
  reply.complete = get<std::uint32_t>(packet, 16);
  const std::size_t stride = ipv6_peers ? 18 : 6;
  std::string_view peers = packet.substr(20);
  if (peers.size() % stride != 0)
    return error{"UDP announce reply: " + std::to_string(peers.size()) +
                 " bytes of peers is not a multiple of " + std::to_string(stride)};
  const auto* p = reinterpret_cast<const unsigned char*>(peers.data());
  for (std::size_t off = 0; off < peers.size(); off += stride) {
    auto a = ipv6_peers ? peer_address::from_compact_v6(p + off) : peer_address::from_compact_v4(p + off);
    if (a.port != 0) reply.peers.push_back(a);
  }
  return reply;
}

std::uint32_t numeric_key(std::string_view key) {
  std::uint32_t v = 0;
  if (key.size() == 8) {
    auto [end, ec] = std::from_chars(key.data(), key.data() + 8, v, 16);
    if (ec == std::errc{} && end == key.data() + 8) return v;
  }
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

}  // namespace shoal::udp_tracker
