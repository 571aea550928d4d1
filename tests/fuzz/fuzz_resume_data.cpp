// libFuzzer: decode_resume never crashes, never trusts a length it read, and what it accepts encodes back to
// something it accepts again, equal field by field.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shoal/storage/resume_data.hpp"

namespace {

// Three files (one a pad file), 5 pieces of 16 KiB; the info-hash is all zeros.
shoal::metainfo fuzz_torrent() {
  shoal::metainfo m;
  m.name = "set";
  m.multi_file = true;
  m.piece_length = 16384;
  std::int64_t offset = 0;
  for (auto [name, length, pad] : {std::tuple{"a.bin", 40000, false}, std::tuple{"pad", 9152, true},
                                   std::tuple{"c.bin", 30000, false}}) {
    shoal::file_entry f;
    f.components = {"set", name};
    f.length = length;
    f.offset = offset;
    f.pad = pad;
    offset += length;
    m.files.push_back(f);
  }
  m.total_length = offset;
  m.piece_hashes = std::string(20 * 5, '\0');
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const shoal::metainfo m = fuzz_torrent();
  auto r = shoal::decode_resume(std::string_view(reinterpret_cast<const char*>(data), size), m);
  if (!r) {
    if (r.message().empty()) std::abort();
    return 0;
  }
  if (r->pieces.size() != static_cast<std::size_t>(m.piece_count()) || r->files.size() != m.files.size())
    std::abort();
  auto again = shoal::decode_resume(shoal::encode_resume(*r), m);
  if (!again || !(again->pieces == r->pieces) || again->files != r->files || again->root != r->root ||
      again->uploaded != r->uploaded || again->paused != r->paused)
    std::abort();
  return 0;
}
