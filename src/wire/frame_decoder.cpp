#include "shoal/wire/frame_decoder.hpp"

#include <algorithm>

#include "shoal/util/big_endian.hpp"
#include "shoal/util/bitfield.hpp"

namespace shoal::wire {

namespace {

// Length prefix of a piece frame: id + index + begin + block.
constexpr std::uint64_t piece_overhead = 9;
// Length prefix of request and cancel: id + index + begin + length.
constexpr std::uint32_t triple_length = 13;

decode_step failed(std::string why) {
  decode_step s;
  s.kind = decode_step::fail;
  s.error = std::move(why);
  return s;
}

decode_step need(std::size_t total) {
  decode_step s;
  s.kind = decode_step::need_more;
  s.needed = total;
  return s;
}

// The ids parsed here (BEP 3, BEP 6, BEP 10); any other is skipped whole.
bool known_id(std::uint8_t id) {
  return id <= static_cast<std::uint8_t>(message_id::port) ||
         (id >= static_cast<std::uint8_t>(message_id::suggest) && id <= static_cast<std::uint8_t>(message_id::allowed_fast)) ||
         id == static_cast<std::uint8_t>(message_id::extended);
}

std::string name(std::uint8_t id) { return std::string(to_string(static_cast<message_id>(id))); }

// The one length a fixed-size message may declare, or 0 when the id has a variable or unknown size.
std::uint64_t fixed_length(std::uint8_t id, const wire_limits& l) {
  switch (static_cast<message_id>(id)) {
    case message_id::choke:
    case message_id::unchoke:
    case message_id::interested:
    case message_id::not_interested: return 1;
    case message_id::have: return 5;
    case message_id::bitfield: return 1 + std::uint64_t{l.bitfield_bytes()};
    case message_id::request:
    case message_id::cancel: return triple_length;
    case message_id::port: return 3;
    case message_id::suggest:
    case message_id::allowed_fast: return 5;
    case message_id::have_all:
    case message_id::have_none: return 1;
    case message_id::reject: return triple_length;
    case message_id::piece:
    case message_id::extended: return 0;
  }
  return 0;
}

// Checks the declared length against the id before the body has arrived, so a peer cannot make
// us buffer a frame we would reject anyway.
std::string check_length(std::uint8_t id, std::uint32_t len, const wire_limits& l) {
  if (id == static_cast<std::uint8_t>(message_id::extended))
    return len >= 2 ? std::string{} : "extended: frame length " + std::to_string(len) + " carries no extension id";
  if (!known_id(id)) return {};
  if (l.geometry_unknown && id == static_cast<std::uint8_t>(message_id::bitfield)) return {};
  if (l.geometry_unknown && id == static_cast<std::uint8_t>(message_id::have))
    return len == 5 ? std::string{} : "have: frame length " + std::to_string(len) + ", expected 5";
  if (static_cast<message_id>(id) == message_id::piece) {
    if (len <= piece_overhead) return "piece: frame length " + std::to_string(len) + " carries no block";
    if (len - piece_overhead > l.max_block)
      return "piece: block of " + std::to_string(len - piece_overhead) + " bytes exceeds " +
             std::to_string(l.max_block);
    return {};
  }
  const std::uint64_t want = fixed_length(id, l);
  if (len == want) return {};
  return name(id) + ": frame length " + std::to_string(len) + ", expected " + std::to_string(want);
}

std::string check_index(std::string_view what, std::uint32_t index, const wire_limits& l) {
  if (index < l.piece_count) return {};
  return std::string(what) + ": index " + std::to_string(index) + " out of range (" +
         std::to_string(l.piece_count) + " pieces)";
}

std::string check_range(std::string_view what, const message& m, const wire_limits& l) {
  const std::uint64_t size = l.piece_size(m.index);
  if (std::uint64_t{m.begin} + m.length <= size) return {};
  return std::string(what) + ": block " + std::to_string(m.begin) + "+" + std::to_string(m.length) +
         " past the end of piece " + std::to_string(m.index) + " (" + std::to_string(size) + " bytes)";
}

std::string check_request(std::string_view what, const message& m, const wire_limits& l) {
  if (auto e = check_index(what, m.index, l); !e.empty()) return e;
  if (m.length == 0) return std::string(what) + ": zero length";
  if (m.length > l.max_request)
    return std::string(what) + ": length " + std::to_string(m.length) + " exceeds " + std::to_string(l.max_request);
  return check_range(what, m, l);
}

// Body checks once the whole frame is in the buffer; body points after the id byte.
std::string parse_body(message& m, const char* body, std::uint32_t body_size, const wire_limits& l) {
  switch (m.id) {
    case message_id::have:
      m.index = load_be32(body);
      return l.geometry_unknown ? std::string{} : check_index("have", m.index, l);
    case message_id::bitfield: {
      m.payload = std::string_view(body, body_size);
      return l.geometry_unknown ? std::string{} : bitfield::check_bytes(m.payload, l.piece_count);
    }
    case message_id::extended:
      m.ext_id = static_cast<std::uint8_t>(body[0]);
      m.payload = std::string_view(body + 1, body_size - 1);
      return {};
    case message_id::suggest:
    case message_id::allowed_fast:
      // Before the metadata the piece count is unknown: the torrent ignores these then.
      m.index = load_be32(body);
      return l.geometry_unknown ? std::string{} : check_index(to_string(m.id), m.index, l);
    case message_id::request:
    case message_id::cancel:
    case message_id::reject:
      m.index = load_be32(body);
      m.begin = load_be32(body + 4);
      m.length = load_be32(body + 8);
      if (m.id == message_id::reject && l.geometry_unknown) return {};
      return check_request(to_string(m.id), m, l);
    case message_id::piece:
      m.index = load_be32(body);
      m.begin = load_be32(body + 4);
      m.length = body_size - 8;
      m.payload = std::string_view(body + 8, m.length);
      if (auto e = check_index("piece", m.index, l); !e.empty()) return e;
      return check_range("piece", m, l);
    case message_id::port:
      m.port = load_be16(body);
      return {};
    default:
      return {};
  }
}

}  // namespace

std::uint32_t wire_limits::max_frame_length() const noexcept {
  const std::uint64_t longest = std::max({std::uint64_t{max_block} + piece_overhead,
                                          std::uint64_t{bitfield_bytes()} + 1, std::uint64_t{triple_length}});
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(longest, UINT32_MAX));
}

wire_limits make_wire_limits(std::uint32_t piece_count, std::uint32_t piece_length,
                             std::uint32_t last_piece_length, std::uint32_t max_request) {
  wire_limits l;
  l.piece_count = piece_count;
  l.piece_length = piece_length;
  l.last_piece_length = last_piece_length;
  l.max_request = max_request;
  return l;
}

decode_step decode_frame(std::string_view buffer, const wire_limits& limits) {
  if (buffer.size() < length_prefix_size) return need(length_prefix_size);
  const std::uint32_t len = load_be32(buffer.data());
  decode_step s;
  if (len == 0) {
    s.kind = decode_step::ok;
    s.consumed = length_prefix_size;
    s.msg.keep_alive = true;
    return s;
  }
  if (len > limits.max_frame_length())
    return failed("frame length " + std::to_string(len) + " exceeds the limit " +
                  std::to_string(limits.max_frame_length()));
  const std::size_t total = length_prefix_size + std::size_t{len};
  if (buffer.size() <= length_prefix_size) return need(total);
  const auto id = static_cast<std::uint8_t>(buffer[length_prefix_size]);
  if (auto e = check_length(id, len, limits); !e.empty()) return failed(std::move(e));
  if (buffer.size() < total) return need(total);
  s.consumed = total;
  if (!known_id(id)) {
    s.kind = decode_step::skipped;  // extensions we did not announce; a compliant peer never sends them
    return s;
  }
  s.msg.id = static_cast<message_id>(id);
  if (auto e = parse_body(s.msg, buffer.data() + length_prefix_size + 1, len - 1, limits); !e.empty())
    return failed(std::move(e));
  s.kind = decode_step::ok;
  return s;
}

}  // namespace shoal::wire
