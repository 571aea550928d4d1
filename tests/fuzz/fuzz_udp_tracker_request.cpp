// libFuzzer: the tracker side of BEP 15 never crashes and never trusts a length, whatever
// the datagram; what it accepts is within bounds, and every reply fits its buffer.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "shoal/tracker/protocol/udp_connection_ids.hpp"
#include "shoal/tracker/protocol/udp_tracker_packets.hpp"
#include "shoal/util/big_endian.hpp"

namespace udp = shoal::udp_tracker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto head = udp::decode_request_head(in);
  if (!head) {
    if (size >= udp::request_head_size && shoal::load_be32(data + 8) != udp::connect) std::abort();
    return 0;
  }
  if (size < udp::request_head_size) std::abort();
  if (head->action == udp::connect && head->connection_id != udp::protocol_id) std::abort();

  static const udp::connection_ids ids(udp::connection_ids::key_from_secret("fuzz"));
  shoal::tracker::ip_bytes ip{};
  for (std::size_t i = 0; i < 16 && i < size; ++i) ip[i] = data[i];
  if (!ids.valid(ids.issue(ip, size % 2 == 0, size), ip, size % 2 == 0, size + 59)) std::abort();

  std::array<std::uint8_t, udp::min_reply_buffer> out;
  if (auto q = udp::decode_announce_request(in)) {
    if (q->port == 0 || q->left < 0 || q->uploaded < 0 || q->downloaded < 0 || q->numwant < -1)
      std::abort();
    std::vector<shoal::tracker::swarm_peer> peers(300);
    for (std::size_t i = 0; i < peers.size(); ++i) {
      peers[i].port = q->port;
      peers[i].v6 = (i + size) % 3 == 0;
      peers[i].ip = ip;
    }
    shoal::tracker::announce_response_head rh;
    rh.counts.complete = q->left;
    if (udp::write_announce_response(out, head->transaction_id, rh, peers, size % 2 == 0) > out.size())
      std::abort();
  } else if (q.message().empty()) {
    std::abort();  // every refusal says why
  }
  std::vector<shoal::sha1_digest> hashes;
  if (auto s = udp::decode_scrape_request(in, hashes)) {
    if (hashes.empty() || hashes.size() > udp::max_scrape_hashes) std::abort();
    std::vector<shoal::tracker::scrape_file> files;
    for (const auto& h : hashes) files.push_back({h, {}});
    if (udp::write_scrape_reply(out, head->transaction_id, files) > out.size()) std::abort();
  } else if (!hashes.empty()) {
    std::abort();
  }
  if (udp::write_error_reply(out, head->transaction_id, in) > out.size()) std::abort();
  return 0;
}
