#include "shoal/wire/encode.hpp"

#include "shoal/util/big_endian.hpp"

namespace shoal::wire {

namespace {

// Appends the 4-byte length prefix and the id; returns where the payload starts.
std::size_t append_header(std::string& out, std::uint32_t payload_size, message_id id) {
  const std::size_t at = out.size();
  out.resize(at + 5 + payload_size);
  store_be32(out.data() + at, payload_size + 1);
  out[at + 4] = static_cast<char>(id);
  return at + 5;
}

void append_triple(std::string& out, message_id id, std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  const std::size_t p = append_header(out, 12, id);
  store_be32(out.data() + p, a);
  store_be32(out.data() + p + 4, b);
  store_be32(out.data() + p + 8, c);
}

}  // namespace

void append_keep_alive(std::string& out) { out.append(4, '\0'); }

void append_simple(std::string& out, message_id id) { append_header(out, 0, id); }

namespace {
void append_index(std::string& out, message_id id, std::uint32_t index) {
  const std::size_t p = append_header(out, 4, id);  // resizes: take data() after
  store_be32(out.data() + p, index);
}
}  // namespace

void append_have(std::string& out, std::uint32_t index) { append_index(out, message_id::have, index); }

void append_suggest(std::string& out, std::uint32_t index) { append_index(out, message_id::suggest, index); }

void append_allowed_fast(std::string& out, std::uint32_t index) { append_index(out, message_id::allowed_fast, index); }

void append_reject(std::string& out, std::uint32_t index, std::uint32_t begin, std::uint32_t length) {
  append_triple(out, message_id::reject, index, begin, length);
}

void append_bitfield(std::string& out, std::string_view bytes) {
  const std::size_t p = append_header(out, static_cast<std::uint32_t>(bytes.size()), message_id::bitfield);
  out.replace(p, bytes.size(), bytes);
}

void append_request(std::string& out, std::uint32_t index, std::uint32_t begin, std::uint32_t length) {
  append_triple(out, message_id::request, index, begin, length);
}

void append_cancel(std::string& out, std::uint32_t index, std::uint32_t begin, std::uint32_t length) {
  append_triple(out, message_id::cancel, index, begin, length);
}

void append_port(std::string& out, std::uint16_t port) {
  const std::size_t p = append_header(out, 2, message_id::port);
  store_be16(out.data() + p, port);
}

void write_piece_header(std::uint8_t* out, std::uint32_t index, std::uint32_t begin, std::uint32_t length) {
  store_be32(out, length + 9);
  out[4] = static_cast<std::uint8_t>(message_id::piece);
  store_be32(out + 5, index);
  store_be32(out + 9, begin);
}

void append_piece(std::string& out, std::uint32_t index, std::uint32_t begin, std::string_view block) {
  const std::size_t at = out.size();
  out.resize(at + piece_header_size);
  write_piece_header(reinterpret_cast<std::uint8_t*>(out.data() + at), index, begin,
                     static_cast<std::uint32_t>(block.size()));
  out.append(block);
}

}  // namespace shoal::wire
