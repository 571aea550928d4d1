#pragma once
// The query of a BEP 48 scrape (GET /scrape?info_hash=...&info_hash=...).
#include <cstddef>
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"

namespace shoal::tracker {

// More info-hashes than this in one scrape is refused, so a request cannot make the
// tracker build an arbitrarily long reply.
inline constexpr std::size_t max_scrape_hashes = 256;

// Fills `hashes` (cleared first; the caller reuses it) with every info_hash parameter in
// order; none means a full scrape. A malformed or excess info_hash is an error.
status parse_scrape_query(std::string_view query, std::vector<sha1_digest>& hashes);

}  // namespace shoal::tracker
