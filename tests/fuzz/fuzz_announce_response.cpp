// libFuzzer: the announce reply parsers (HTTP bencode and BEP 15 UDP) never crash, and
// every peer they return prints as text that parses back to the same address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shoal/tracker/protocol/announce_response.hpp"
#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

namespace {

void check(const shoal::result<shoal::announce_response>& reply) {
  if (!reply) {
    if (reply.message().empty()) std::abort();
    return;
  }
  if (reply->interval < 0) std::abort();
  for (const auto& peer : reply->peers) {
    auto back = shoal::peer_address::parse(peer.to_string());
    if (!back || !(*back == peer) || peer.port == 0) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check(shoal::parse_announce_response(in));
  check(shoal::udp_tracker::parse_announce_response(in, size % 2 == 1));
  (void)shoal::udp_tracker::parse_connect_reply(in);
  return 0;
}
