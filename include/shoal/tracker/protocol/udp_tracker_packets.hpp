#pragma once
// BEP 15 (UDP tracker protocol) packets, client side: build requests, parse replies.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "shoal/tracker/protocol/announce_reply.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"

namespace shoal::udp_tracker {

inline constexpr std::uint64_t protocol_id = 0x41727101980;
enum action : std::uint32_t { connect = 0, announce = 1, scrape = 2, failure = 3 };

std::array<std::uint8_t, 16> connect_request(std::uint32_t transaction_id);
std::array<std::uint8_t, 98> announce_packet(std::uint64_t connection_id,
                                             std::uint32_t transaction_id,
                                             const announce_request& req);

// The transaction id of any reply (bytes 4..8), or nullopt when it is too short to have one:
// a client drops replies that are not for its pending request.
std::optional<std::uint32_t> reply_transaction_id(std::string_view packet);

// The connection id; an action-3 reply becomes "tracker failure: <message>".
result<std::uint64_t> parse_connect_reply(std::string_view packet);
// Peers are 6-byte (IPv4) or, when the tracker was reached over IPv6, 18-byte entries.
result<announce_reply> parse_announce_packet(std::string_view packet, bool ipv6_peers);

// The 32-bit key sent over UDP for a textual announce_request::key (8 hex digits are
// taken as the number; anything else is hashed).
std::uint32_t numeric_key(std::string_view key);

}  // namespace shoal::udp_tracker
