// libFuzzer: the BEP 10 extended handshake decoder never crashes, keeps its bounds, and what
// it accepts re-encodes to a handshake that decodes to the same thing; merging is idempotent.
#include <cstdint>
#include <string_view>

#include "shoal/wire/ext/extended_handshake.hpp"

#include "fuzz_check.hpp"

using namespace shoal::wire::ext;

using shoal::fuzz::check;

namespace {

bool same(const extended_handshake& a, const extended_handshake& b) {
  return a.extensions == b.extensions && a.disabled == b.disabled && a.client == b.client &&
         a.listen_port == b.listen_port && a.request_queue == b.request_queue && a.your_ip == b.your_ip &&
         a.metadata_size == b.metadata_size;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const handshake_limits limits;
  auto h = decode_extended_handshake(in, limits);
  if (!h) {
    check(!h.message().empty());
    return 0;
  }
  check(h->extensions.size() + h->disabled.size() <= limits.max_extensions);
  for (const auto& [name, id] : h->extensions) check(id != 0 && !h->disabled.contains(name));
  check(!h->your_ip || h->your_ip->size() == 4 || h->your_ip->size() == 16);
  check(!h->metadata_size || *h->metadata_size > 0);
  auto again = decode_extended_handshake(encode_extended_handshake(*h), limits);
  check(again.has_value() && same(*again, *h));
  extended_handshake merged = *h;
  merge_extended_handshake(merged, *h);
  check(merged.extensions == h->extensions);
  return 0;
}
