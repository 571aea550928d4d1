#pragma once
// Canonical encoder: dictionary keys in byte order (std::map already keeps them so).
#include <string>
#include <string_view>

#include "shoal/bencode/value.hpp"

namespace shoal::bencode {

std::string encode(const value& v);
void encode_to(std::string& out, const value& v);

// Pieces for writers that build bencode by hand on a hot path (tracker replies).
void append_int(std::string& out, integer i);
void append_string(std::string& out, std::string_view s);

}  // namespace shoal::bencode
