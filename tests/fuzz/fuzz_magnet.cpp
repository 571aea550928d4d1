// libFuzzer: parse_magnet never crashes on any text, every refusal says why, and what it
// accepts survives make_magnet -> parse_magnet unchanged.
#include <cstdint>
#include <string_view>

#include "shoal/metainfo/magnet.hpp"

#include "fuzz_check.hpp"

using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto m = shoal::parse_magnet(in);
  if (!m) {
    check(!m.message().empty());
    return 0;
  }
  auto back = shoal::parse_magnet(shoal::make_magnet(*m));
  check(back.has_value());
  check(back->info_hash == m->info_hash && back->name == m->name && back->trackers == m->trackers &&
        back->peers == m->peers && back->peer_hosts == m->peer_hosts);
  return 0;
}
