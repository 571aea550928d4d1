#pragma once
// The BEP 10 envelope: peer-wire message 20, then one byte naming the extended message
// (0 is the extended handshake; others are the ids the receiver assigned in its handshake "m").
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::wire::ext {

inline constexpr std::uint8_t extended_message_id = 20;
inline constexpr std::uint8_t handshake_ext_id = 0;

// Reserved-bit 20 of the BEP 3 handshake (byte 5, 0x10) says the peer speaks BEP 10.
inline constexpr int reserved_byte = 5;
inline constexpr std::uint8_t reserved_bit = 0x10;

// Appends length prefix, message id 20, ext_id and payload to out.
void append_extended(std::string& out, std::uint8_t ext_id, std::string_view payload);

}  // namespace shoal::wire::ext
