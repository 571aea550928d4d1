// libFuzzer: the announce reply parser never crashes, and every peer it returns prints
// as text that parses back to the same address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shoal/tracker/protocol/announce_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto reply = shoal::parse_announce_reply(in);
  if (!reply) {
    if (reply.message().empty()) std::abort();
    return 0;
  }
  if (reply->interval < 0) std::abort();
  for (const auto& peer : reply->peers) {
    auto back = shoal::peer_address::parse(peer.to_string());
    if (!back || !(*back == peer) || peer.port == 0) std::abort();
  }
  return 0;
}
