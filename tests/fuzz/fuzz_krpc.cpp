// libFuzzer: KRPC decoding never crashes on any datagram, keeps its bounds, and an accepted
// message re-encodes to bytes that decode and re-encode identically.
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/dht/protocol/krpc.hpp"

#include "fuzz_check.hpp"

using namespace shoal::dht;

using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const krpc_limits limits{.max_packet = 2048, .max_values = 10, .max_transaction = 32};
  auto m = decode_krpc(in, limits);
  if (!m) {
    check(!m.message().empty());
    return 0;
  }
  check(in.size() <= limits.max_packet && m->transaction.size() <= limits.max_transaction);
  if (const auto* r = std::get_if<krpc_response>(&m->body)) check(r->values.size() <= limits.max_values);
  const std::string once = encode_krpc(*m);
  // The re-encoding may be longer than the input (canonical forms), so decode it unbounded.
  krpc_limits loose = limits;
  loose.max_packet = once.size();
  auto back = decode_krpc(once, loose);
  check(back.has_value());
  check(encode_krpc(*back) == once);
  return 0;
}
