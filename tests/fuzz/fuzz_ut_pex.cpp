// libFuzzer: ut_pex decoding never crashes, never keeps more peers than the caps, and the
// peers it keeps survive encode_pex -> decode_pex unchanged.
#include <cstdint>
#include <string_view>

#include "shoal/wire/ext/ut_pex.hpp"

#include "fuzz_check.hpp"

using namespace shoal::wire::ext;

using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const pex_limits limits{.max_added = 20, .max_dropped = 10};
  auto m = decode_pex(in, limits);
  if (!m) {
    check(!m.message().empty());
    return 0;
  }
  check(m->added.size() <= limits.max_added && m->dropped.size() <= limits.max_dropped);
  for (const auto& p : m->added) check(p.address.port != 0);
  auto back = decode_pex(encode_pex(*m), limits);
  check(back.has_value() && back->added == m->added && back->dropped == m->dropped && back->skipped == 0);
  return 0;
}
