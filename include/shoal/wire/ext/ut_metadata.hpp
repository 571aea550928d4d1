#pragma once
// BEP 9 ut_metadata messages: the info dictionary travels in 16 KiB pieces. A message is a
// bencoded dictionary; a data message carries the piece's bytes after it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal::wire::ext {

inline constexpr std::int64_t metadata_piece_size = 16 * 1024;

struct metadata_limits {
  // libtorrent's default; real metadata has a median of ~17 KB and a maximum near 4.2 MB.
  std::int64_t max_metadata_size = std::int64_t{4} << 20;
};

enum class metadata_msg_type : std::uint8_t { request = 0, data = 1, reject = 2, unknown = 255 };

struct metadata_message {
  metadata_msg_type type = metadata_msg_type::request;
  std::uint32_t piece = 0;
  std::int64_t total_size = 0;  // data: the whole metadata's size as the sender says
  std::string_view data;        // data: the piece's bytes, INSIDE the decoded payload
  std::int64_t raw_type = 0;    // the msg_type as sent (for unknown)
};

// How many 16 KiB pieces metadata of SIZE bytes has; an error for sizes <= 0 or above the
// limit (say so before allocating anything for it).
result<std::uint32_t> metadata_piece_count(std::int64_t size, const metadata_limits& limits = {});
// The length of piece INDEX of metadata of SIZE bytes (16 KiB except the last).
std::int64_t metadata_piece_length(std::int64_t size, std::uint32_t index);

// Decodes the payload after the ext id byte. known_size is the metadata size the receiver
// already trusts (its own when serving, the size it is fetching when downloading), 0 when none.
// Refused: garbage bencode, a missing or mistyped msg_type/piece, a piece index beyond the
// metadata (or beyond the limit when known_size is 0), a data message whose total_size is
// above the limit or differs from known_size, or whose bytes are not exactly the piece's
// length, trailing bytes after a request or reject. An unrecognised msg_type decodes as
// unknown (BEP 9: it must be ignored).
result<metadata_message> decode_metadata_message(std::string_view payload, std::int64_t known_size,
                                                 const metadata_limits& limits = {});

std::string encode_metadata_request(std::uint32_t piece);
std::string encode_metadata_reject(std::uint32_t piece);
// The dictionary followed by the piece's bytes.
std::string encode_metadata_data(std::uint32_t piece, std::int64_t total_size, std::string_view bytes);

}  // namespace shoal::wire::ext
