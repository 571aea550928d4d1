// libFuzzer: decode_frame over arbitrary bytes with limits taken from the input. It never
// crashes, never consumes more than it was given, and every frame it accepts obeys the limits.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "shoal/util/big_endian.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/wire/frame_decoder.hpp"
#include "shoal/wire/handshake.hpp"

using namespace shoal::wire;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_ok_frame(const message& m, std::size_t consumed, std::string_view frame, const wire_limits& l) {
  if (m.keep_alive) return check(consumed == 4);
  check(consumed >= 5 && consumed - 4 <= l.max_frame_length());
  switch (m.id) {
    case message_id::have: return check(l.geometry_unknown || m.index < l.piece_count);
    case message_id::bitfield:
      if (l.geometry_unknown) return check(m.payload.data() == frame.data() + 5 && consumed == 5 + m.payload.size());
      check(m.payload.size() == l.bitfield_bytes());
      check(m.payload.data() == frame.data() + 5);
      return check(shoal::bitfield::from_bytes(m.payload, l.piece_count).has_value());
    case message_id::suggest:
    case message_id::allowed_fast: return check((l.geometry_unknown || m.index < l.piece_count) && consumed == 9);
    case message_id::have_all:
    case message_id::have_none: return check(consumed == 5);
    case message_id::reject:
      if (l.geometry_unknown) return check(consumed == 17);  // before the metadata: nothing to check it against
      [[fallthrough]];
    case message_id::request:
    case message_id::cancel:
      check(m.index < l.piece_count && m.length > 0 && m.length <= l.max_request);
      return check(std::uint64_t{m.begin} + m.length <= l.piece_size(m.index));
    case message_id::piece:
      check(m.index < l.piece_count && m.length == m.payload.size() && m.length > 0 && m.length <= l.max_block);
      check(m.payload.data() == frame.data() + 13 && consumed == 13 + m.payload.size());
      return check(std::uint64_t{m.begin} + m.length <= l.piece_size(m.index));
    case message_id::extended:
      return check(m.payload.data() == frame.data() + 6 && consumed == 6 + m.payload.size());
    default: return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 20) return 0;
  // Small geometries are the interesting ones: keep the numbers near the byte boundaries.
  wire_limits l;
  l.piece_count = shoal::load_be32(data) % 70000;
  l.piece_length = shoal::load_be32(data + 4);
  l.last_piece_length = shoal::load_be32(data + 8);
  l.max_request = shoal::load_be32(data + 12) % (256 * 1024);
  l.max_block = shoal::load_be32(data + 16) % (256 * 1024);
  l.geometry_unknown = (data[19] & 0x01) != 0;  // a magnet before its metadata
  std::string_view rest(reinterpret_cast<const char*>(data) + 20, size - 20);

  if (rest.size() >= handshake_size) {
    auto h = decode_handshake(rest.substr(0, handshake_size));
    if (h) {
      std::uint8_t again[handshake_size];
      encode_handshake(*h, again);
      check(std::memcmp(again, rest.data(), handshake_size) == 0);
    }
  }

  while (!rest.empty()) {
    const auto s = decode_frame(rest, l);
    switch (s.kind) {
      case decode_step::need_more:
        check(s.consumed == 0 && s.needed > rest.size() && s.needed <= 4 + std::size_t{l.max_frame_length()});
        return 0;
      case decode_step::fail: check(!s.error.empty()); return 0;
      case decode_step::skipped: check(s.consumed >= 5 && s.consumed <= rest.size()); break;
      case decode_step::ok:
        check(s.consumed <= rest.size());
        check_ok_frame(s.msg, s.consumed, rest, l);
        break;
    }
    rest.remove_prefix(s.consumed);
  }
  return 0;
}
