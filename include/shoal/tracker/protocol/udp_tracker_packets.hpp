#pragma once
// BEP 15 (UDP tracker protocol) packets. Client side: build requests, parse replies.
// Tracker side: decode requests, write replies into a caller's buffer.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "shoal/tracker/protocol/announce_request.hpp"
#include "shoal/tracker/protocol/announce_response.hpp"

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
result<announce_response> parse_announce_response(std::string_view packet, bool ipv6_peers);

// The 32-bit key sent over UDP for a textual announce_request::key (8 hex digits are
// taken as the number; anything else is hashed).
std::uint32_t numeric_key(std::string_view key);

// ---- Tracker side ----

inline constexpr std::size_t request_head_size = 16;  // connection id, action, transaction id
inline constexpr std::size_t announce_request_size = 98;
// BEP 15: "up to about 74 torrents can be scraped at once" (74 x 20 bytes of hashes, and a
// 12-byte entry each in the reply, keep both under a typical MTU). More is refused.
inline constexpr std::size_t max_scrape_hashes = 74;

struct request_head {
  std::uint64_t connection_id = 0;
  std::uint32_t action = 0;  // any value: an unknown one is the caller's to refuse
  std::uint32_t transaction_id = 0;
};

// The head of a request, or nullopt when the datagram is not one to answer at all: shorter
// than 16 bytes (no transaction id to echo), or a connect without BEP 15's protocol id.
std::optional<request_head> decode_request_head(std::string_view packet);

// The announce of an action-1 request, into the HTTP query's struct so one tracker logic
// serves both: compact, no key or ip text. The 32-bit IP field is ignored (the sender's
// address counts) and BEP 41 options after byte 98 are tolerated and skipped. numwant -1
// (or any negative) means the tracker's default.
result<announce_request> decode_announce_request(std::string_view packet);

// The info-hashes of an action-2 request into `hashes` (cleared first): 1 to
// max_scrape_hashes whole 20-byte hashes.
status decode_scrape_request(std::string_view packet, std::vector<sha1_digest>& hashes);

// Replies are written into `out` and their length returned; `out` must hold at least
// min_reply_buffer bytes, and announce peers that do not fit are left out.
inline constexpr std::size_t min_reply_buffer = 1024;

std::size_t write_connect_reply(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                                std::uint64_t connection_id);
// IPv4 requesters get 6-byte IPv4 peers; IPv6 requesters get 18-byte peers, IPv4 peers as
// IPv4-mapped addresses (BEP 15 sizes peers by the family the request came over).
std::size_t write_announce_response(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                                 const tracker::announce_response_head& head,
                                 std::span<const tracker::swarm_peer> peers, bool v6_requester);
// Entries in the order of `files` (the request's order, as BEP 15 wants).
std::size_t write_scrape_reply(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                               std::span<const tracker::scrape_file> files);
// The message is cut to what fits.
std::size_t write_error_reply(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                              std::string_view message);

// How many peers an announce reply in `buffer_size` bytes can carry.
std::size_t announce_response_capacity(std::size_t buffer_size, bool v6_requester);

}  // namespace shoal::udp_tracker
