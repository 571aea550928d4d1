#pragma once
// Where the tracker keeps its swarms, from the --store flag: "memory" (this process
// only) or "redis://HOST:PORT[/DB]" (shared by every tracker process using that Redis).
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal::tracker {

struct store_location {
  enum class kind { memory, redis };
  kind type = kind::memory;
  std::string host;  // redis only; IPv6 literals without brackets
  std::uint16_t port = 6379;
  int db = 0;

  // "memory" or "redis://host:port/db".
  std::string str() const;
};

result<store_location> parse_store_location(std::string_view text);

}  // namespace shoal::tracker
