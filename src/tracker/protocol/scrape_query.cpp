#include "shoal/tracker/protocol/scrape_query.hpp"

#include <string>

#include "shoal/tracker/protocol/query_params.hpp"

namespace shoal::tracker {

status parse_scrape_query(std::string_view query, std::vector<sha1_digest>& hashes) {
  hashes.clear();
  query_walker walker(query);
  while (auto p = walker.next()) {
    if (p->name != "info_hash") continue;
    if (hashes.size() == max_scrape_hashes) {
      return error{"too many info_hash parameters (at most " +
                   std::to_string(max_scrape_hashes) + ")"};
    }
    sha1_digest d;
    auto n = percent_decode(p->value, d.bytes.data(), d.bytes.size());
    if (!n || *n != d.bytes.size()) {
      return error{"malformed parameter info_hash: must be 20 percent-encoded bytes"};
    }
    hashes.push_back(d);
  }
  return ok();
}

}  // namespace shoal::tracker
