#pragma once
// The BEP 10 extended handshake (extended message 0): which extensions a peer speaks and
// under which message ids, plus a few facts about it. Pure: payload bytes in, struct out.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal::wire::ext {

// Extension names Shoal speaks.
inline constexpr std::string_view ut_metadata_name = "ut_metadata";
inline constexpr std::string_view ut_pex_name = "ut_pex";

struct extended_handshake {
  // "m": extension name -> the message id the SENDER wants to receive it under (1..255).
  std::map<std::string, std::uint8_t, std::less<>> extensions;
  // Names the sender switched off with id 0 (meaningful when merging a re-sent handshake).
  std::set<std::string, std::less<>> disabled;
  std::optional<std::string> client;           // "v"
  std::optional<std::uint16_t> listen_port;    // "p" (1..65535)
  std::optional<std::uint32_t> request_queue;  // "reqq" (> 0)
  // "yourip": our address as the peer sees it, 4 (IPv4) or 16 (IPv6) bytes.
  std::optional<std::string> your_ip;
  std::optional<std::int64_t> metadata_size;  // BEP 9 (> 0; check it with metadata_piece_count)

  // The id to send extension NAME to this peer under, or 0 when the peer does not speak it.
  std::uint8_t id_of(std::string_view name) const;
};

struct handshake_limits {
  std::size_t max_payload = 64 * 1024;  // larger handshakes are refused before decoding
  std::size_t max_extensions = 128;     // "m" entries beyond this are ignored
  std::size_t max_client_length = 256;  // a longer "v" is ignored
};

// Garbage bencode, a payload that is not a dictionary or over the size limit, and an "m" that
// is not a dictionary are errors. Fields of the wrong type or out of range are ignored (as
// real clients do: one odd field must not cost a connection), and so are unknown keys.
result<extended_handshake> decode_extended_handshake(std::string_view payload, const handshake_limits& limits = {});

// The bencoded dictionary (the payload after the ext id byte). Disabled names go out with id 0.
std::string encode_extended_handshake(const extended_handshake& h);

// BEP 10: a later handshake updates the earlier one. Its ids replace or add entries, id 0
// removes one, and the fields it carries replace the old ones; absent fields keep theirs.
void merge_extended_handshake(extended_handshake& current, const extended_handshake& update);

}  // namespace shoal::wire::ext
