#pragma once
// One decoded peer-wire message (BEP 3). Views point into the decoder's input buffer.
#include <cstdint>
#include <string_view>

namespace shoal::wire {

enum class message_id : std::uint8_t {
  choke = 0,
  unchoke = 1,
  interested = 2,
  not_interested = 3,
  have = 4,
  bitfield = 5,
  request = 6,
  piece = 7,
  cancel = 8,
  port = 9,
  // BEP 6 fast extension (only between peers whose handshakes both set reserved[7] & 0x04).
  suggest = 0x0D,
  have_all = 0x0E,
  have_none = 0x0F,
  reject = 0x10,
  allowed_fast = 0x11,
  extended = 20,  // BEP 10: one byte naming the extended message, then its payload
};

std::string_view to_string(message_id id) noexcept;

struct message {
  bool keep_alive = false;
  message_id id = message_id::choke;  // meaningless when keep_alive
  std::uint32_t index = 0;            // have, request, piece, cancel, suggest, reject, allowed fast
  std::uint32_t begin = 0;            // request, piece, cancel, reject
  std::uint32_t length = 0;           // request, cancel, reject; piece: block size (== payload.size())
  std::uint16_t port = 0;             // port (DHT; read and ignored by the engine)
  std::uint8_t ext_id = 0;            // extended: 0 = the extended handshake, else an id we assigned
  std::string_view payload;           // bitfield bytes, a piece's block, an extended payload, INSIDE the input buffer
};

}  // namespace shoal::wire
