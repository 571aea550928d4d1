#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

#include <algorithm>
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

result<announce_response> parse_announce_response(std::string_view packet, bool ipv6_peers) {
  if (packet.size() < 8) return error{"UDP announce reply of " + std::to_string(packet.size()) + " bytes is too short"};
  if (auto e = check_action(packet, announce, "announce")) return *e;
  if (packet.size() < 20)
    return error{"UDP announce reply of " + std::to_string(packet.size()) + " bytes is too short"};
  announce_response reply;
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

namespace shoal::udp_tracker {

namespace {

constexpr std::size_t announce_response_head_size = 20;

std::uint32_t clamp_u32(std::int64_t v) {
  if (v < 0) return 0;
  return v > 0xffffffffLL ? 0xffffffffu : static_cast<std::uint32_t>(v);
}

std::uint8_t* write_reply_head(std::span<std::uint8_t> out, action a, std::uint32_t transaction_id) {
  auto* p = out.data();
  put(p, std::uint32_t{a});
  put(p, transaction_id);
  return p;
}

std::optional<announce_event> event_of(std::uint32_t code) {
  switch (code) {
    case 0: return announce_event::none;
    case 1: return announce_event::completed;
    case 2: return announce_event::started;
    case 3: return announce_event::stopped;
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<request_head> decode_request_head(std::string_view packet) {
  if (packet.size() < request_head_size) return std::nullopt;
  request_head h;
  h.connection_id = get<std::uint64_t>(packet, 0);
  h.action = get<std::uint32_t>(packet, 8);
  h.transaction_id = get<std::uint32_t>(packet, 12);
  if (h.action == connect && h.connection_id != protocol_id) return std::nullopt;
  return h;
}

result<announce_request> decode_announce_request(std::string_view packet) {
  if (packet.size() < announce_request_size) {
    return error{"announce of " + std::to_string(packet.size()) + " bytes: needs 98"};
  }
  announce_request q;
  std::memcpy(q.info_hash.bytes.data(), packet.data() + 16, 20);
  std::memcpy(q.peer_id.data(), packet.data() + 36, 20);
  q.downloaded = get<std::int64_t>(packet, 56);
  q.left = get<std::int64_t>(packet, 64);
  q.uploaded = get<std::int64_t>(packet, 72);
  if (q.downloaded < 0 || q.left < 0 || q.uploaded < 0) {
    return error{"announce: downloaded, left and uploaded must not be negative"};
  }
  auto code = get<std::uint32_t>(packet, 80);
  auto event = event_of(code);
  if (!event) return error{"announce: unknown event " + std::to_string(code)};
  q.event = *event;
  auto numwant = get<std::int32_t>(packet, 92);
  q.numwant = numwant < 0 ? -1 : std::min<int>(numwant, 100000);
  q.port = get<std::uint16_t>(packet, 96);
  if (q.port == 0) return error{"announce: port 0"};
  q.compact = true;
  q.no_peer_id = true;
  return q;
}

status decode_scrape_request(std::string_view packet, std::vector<sha1_digest>& hashes) {
  hashes.clear();
  std::size_t body = packet.size() - std::min(packet.size(), request_head_size);
  if (body == 0 || body % 20 != 0) {
    return error{"scrape of " + std::to_string(packet.size()) +
                 " bytes: needs 16 plus 20 per info-hash"};
  }
  std::size_t n = body / 20;
  if (n > max_scrape_hashes) {
    return error{"scrape of " + std::to_string(n) + " info-hashes: at most " +
                 std::to_string(max_scrape_hashes) + " a packet"};
  }
  hashes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(hashes[i].bytes.data(), packet.data() + request_head_size + 20 * i, 20);
  }
  return ok();
}

std::size_t write_connect_reply(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                                std::uint64_t connection_id) {
  auto* p = write_reply_head(out, connect, transaction_id);
  put(p, connection_id);
  return static_cast<std::size_t>(p - out.data());
}

std::size_t announce_response_capacity(std::size_t buffer_size, bool v6_requester) {
  if (buffer_size < announce_response_head_size) return 0;
  return (buffer_size - announce_response_head_size) / (v6_requester ? 18 : 6);
}

std::size_t write_announce_response(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                                 const tracker::announce_response_head& head,
                                 std::span<const tracker::swarm_peer> peers, bool v6_requester) {
  auto* p = write_reply_head(out, announce, transaction_id);
  put(p, clamp_u32(head.interval));
  put(p, clamp_u32(head.counts.incomplete));
  put(p, clamp_u32(head.counts.complete));
  std::size_t room = announce_response_capacity(out.size(), v6_requester);
  static constexpr std::uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  for (const auto& peer : peers) {
    if (room == 0) break;
    if (peer.v6 && !v6_requester) continue;
    if (v6_requester && !peer.v6) {
      std::memcpy(p, v4_mapped, 12);
      std::memcpy(p + 12, peer.ip.data(), 4);
      p += 16;
    } else {
      std::size_t len = peer.v6 ? 16 : 4;
      std::memcpy(p, peer.ip.data(), len);
      p += len;
    }
    put(p, peer.port);
    --room;
  }
  return static_cast<std::size_t>(p - out.data());
}

std::size_t write_scrape_reply(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                               std::span<const tracker::scrape_file> files) {
  auto* p = write_reply_head(out, scrape, transaction_id);
  std::size_t room = (out.size() - 8) / 12;
  for (const auto& f : files.first(std::min(room, files.size()))) {
    put(p, clamp_u32(f.counts.complete));
    put(p, clamp_u32(f.counts.downloaded));
    put(p, clamp_u32(f.counts.incomplete));
  }
  return static_cast<std::size_t>(p - out.data());
}

std::size_t write_error_reply(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                              std::string_view message) {
  auto* p = write_reply_head(out, failure, transaction_id);
  std::size_t n = std::min(message.size(), out.size() - 8);
  std::memcpy(p, message.data(), n);
  return 8 + n;
}

}  // namespace shoal::udp_tracker
