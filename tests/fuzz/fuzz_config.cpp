// libFuzzer: parse_config never crashes, every refusal says why, and what it accepts encodes to text it reads
// back equal.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "shoal/daemon/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using shoal::fuzz::check;
  auto c = shoal::daemon::parse_config(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!c) {
    check(!c.message().empty() && c.code() == shoal::error_code::invalid_data);
    return 0;
  }
  auto again = shoal::daemon::parse_config(shoal::daemon::encode_config(*c));
  check(again.has_value() && *again == *c);
  auto s = shoal::daemon::resolve_config(*c);
  check(s.rpc_port != 0 && shoal::daemon::valid_log_level(s.log_level));
  return 0;
}
