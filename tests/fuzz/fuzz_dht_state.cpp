// libFuzzer: the DHT state file's decoder (the daemon's dht.state) never crashes, keeps its bounds, and what it
// accepts re-encodes to bytes that decode to the same state.
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/dht/node_state.hpp"

#include "fuzz_check.hpp"

using namespace shoal::dht;
using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto s = decode_node_state(in);
  if (!s) {
    check(!s.message().empty());
    return 0;
  }
  check(in.size() <= max_node_state_size && s->nodes.size() <= max_saved_nodes);
  const std::string once = encode_node_state(*s);
  auto back = decode_node_state(once);
  check(back.has_value() && *back == *s);
  return 0;
}
