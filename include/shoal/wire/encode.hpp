#pragma once
// Appenders for outgoing peer-wire messages into a caller buffer (reused across messages).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/wire/message.hpp"

namespace shoal::wire {

void append_keep_alive(std::string& out);
void append_simple(std::string& out, message_id id);  // choke, unchoke, interested, not_interested, have all/none
void append_have(std::string& out, std::uint32_t index);
void append_bitfield(std::string& out, std::string_view bytes);
void append_request(std::string& out, std::uint32_t index, std::uint32_t begin, std::uint32_t length);
void append_cancel(std::string& out, std::uint32_t index, std::uint32_t begin, std::uint32_t length);
void append_port(std::string& out, std::uint16_t port);
// BEP 6 fast extension (have all and have none are append_simple).
void append_suggest(std::string& out, std::uint32_t index);
void append_reject(std::string& out, std::uint32_t index, std::uint32_t begin, std::uint32_t length);
void append_allowed_fast(std::string& out, std::uint32_t index);

// A piece message is its 13-byte header followed by the block; the engine sends both with one
// scatter/gather write so the block is never copied.
constexpr std::size_t piece_header_size = 13;
void write_piece_header(std::uint8_t* out /* piece_header_size bytes */, std::uint32_t index,
                        std::uint32_t begin, std::uint32_t length);
// Header + block copied into out: for tests and small sends, not the hot path.
void append_piece(std::string& out, std::uint32_t index, std::uint32_t begin, std::string_view block);

}  // namespace shoal::wire
