#pragma once
// Decodes one length-prefixed peer-wire frame from the front of a caller buffer, in place.
// Never allocates on success, need_more or skipped; never trusts a length before checking it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/wire/message.hpp"

namespace shoal::wire {

struct wire_limits {
  std::uint32_t piece_count = 0;
  std::uint32_t piece_length = 0;
  std::uint32_t last_piece_length = 0;
  std::uint32_t max_request = 16 * 1024;  // request/cancel length we serve (16 KiB is what clients send;
                                          // raise up to 128 KiB for peers that ask for larger blocks)
  std::uint32_t max_block = 128 * 1024;   // piece block size we accept
  // A magnet before its metadata: the piece count is not known yet, so a bitfield of any length (within the
  // frame limit) and a have of any index are accepted; requests and pieces still need an index in range.
  bool geometry_unknown = false;

  std::uint32_t piece_size(std::uint32_t index) const noexcept {
    return index + 1 == piece_count ? last_piece_length : piece_length;
  }
  std::size_t bitfield_bytes() const noexcept { return (std::size_t{piece_count} + 7) / 8; }
  // Largest length prefix any frame (known or unknown id) may declare.
  std::uint32_t max_frame_length() const noexcept;
};

// Limits for a torrent's geometry (piece_length/last piece from its sizes).
wire_limits make_wire_limits(std::uint32_t piece_count, std::uint32_t piece_length,
                             std::uint32_t last_piece_length, std::uint32_t max_request = 16 * 1024);

constexpr std::size_t length_prefix_size = 4;

struct decode_step {
  enum kind_t { need_more, ok, skipped, fail } kind = need_more;
  std::size_t consumed = 0;  // bytes of the input this frame used (ok, skipped)
  std::size_t needed = 0;    // need_more: total bytes this frame needs from the buffer's front
  message msg;
  std::string error;  // fail: why, e.g. "request: index 12 out of range (10 pieces)"
};

decode_step decode_frame(std::string_view buffer, const wire_limits& limits);

}  // namespace shoal::wire
