#pragma once
// RFC 3986 percent-encoding for query components (info_hash, peer_id, key ...).
#include <string>
#include <string_view>

namespace shoal {

// Every byte outside the unreserved set [A-Za-z0-9-._~] becomes %XX (upper-case hex),
// so arbitrary binary (a SHA-1 digest) survives any tracker's decoder.
std::string url_encode(std::string_view bytes);
void url_encode_to(std::string& out, std::string_view bytes);

}  // namespace shoal
