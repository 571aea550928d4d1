#pragma once
// Base64 (RFC 4648, standard alphabet, padded): torrent-add's metainfo and torrent-create's reply, Basic auth.
#include <optional>
#include <string>
#include <string_view>

namespace shoal::rpc {

std::string base64_encode(std::string_view bytes);
// Whitespace is skipped; any other character outside the alphabet, or a bad length or padding: nullopt.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace shoal::rpc
