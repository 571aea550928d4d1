// libFuzzer: the bencode decoder never crashes, and what it accepts re-encodes to
// something it accepts again with the same canonical encoding.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto v = shoal::bencode::decode(in);
  if (!v) return 0;
  auto once = shoal::bencode::encode(*v);
  auto again = shoal::bencode::decode(once);
  if (!again || shoal::bencode::encode(*again) != once) std::abort();
  return 0;
}
