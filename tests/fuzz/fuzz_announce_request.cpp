// libFuzzer: the announce and scrape query parsers never crash, whatever the query, and
// what they accept round-trips through the reply encoder.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/tracker/protocol/announce_request.hpp"
#include "shoal/tracker/protocol/announce_response.hpp"
#include "shoal/tracker/protocol/scrape_query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string out;
  if (auto q = shoal::parse_announce_request(in)) {
    if (q->port == 0 || q->left < 0 || q->numwant < -1) std::abort();
    shoal::tracker::swarm_peer p;
    p.id = q->peer_id;
    p.port = q->port;
    shoal::tracker::write_announce_response(out, {}, {&p, 1}, q->compact, !q->no_peer_id);
  } else if (q.message().empty()) {
    std::abort();  // every refusal must say why
  }
  std::vector<shoal::sha1_digest> hashes;
  if (auto s = shoal::tracker::parse_scrape_query(in, hashes)) {
    if (hashes.size() > shoal::tracker::max_scrape_hashes) std::abort();
    std::vector<shoal::tracker::scrape_file> files;
    for (const auto& h : hashes) files.push_back({h, {}});
    shoal::tracker::write_scrape_response(out, files);
  }
  return 0;
}
