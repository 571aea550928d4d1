// libFuzzer: the metadata assembler driven by arbitrary peers (sizes, requests, data, rejects, departures, time).
// It never crashes, never sizes a buffer above the limit, and says complete only for bytes that hash right.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "shoal/wire/ext/metadata_assembler.hpp"

using namespace shoal::wire::ext;
using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The true metadata: 40 000 bytes (three pieces), or the input's head when it is short.
  std::string truth(40000, 'm');
  metadata_limits limits;
  limits.max_metadata_size = 64 * 1024;  // small, so sizes near the limit are reachable
  metadata_assembler a(shoal::sha1(truth), limits);
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  std::size_t i = 0;
  auto next = [&]() -> std::uint8_t { return i < size ? data[i++] : 0; };
  while (i < size) {
    const std::uint8_t op = next();
    const metadata_assembler::peer_key peer = next() % 6;
    switch (op % 6) {
      case 0: {  // a handshake's metadata_size: the truth, or something near the limit
        const std::int64_t sizes[] = {40000, 0, -1, 16384, 64 * 1024, 64 * 1024 + 1, 100 << 20, 39999};
        (void)a.add_peer(peer, sizes[next() % 8]);
        break;
      }
      case 1: (void)a.next_request(peer, now); break;
      case 2: {  // data: right bytes, wrong bytes, or the wrong length
        const std::uint32_t piece = next() % 5;
        const auto kind = next() % 3;
        const auto begin = static_cast<std::size_t>(piece) * 16384;
        std::string bytes = begin < truth.size() ? truth.substr(begin, 16384) : std::string();
        if (kind == 1 && !bytes.empty()) bytes[0] = 'x';
        if (kind == 2) bytes.resize(next());
        auto out = a.on_data(peer, piece, bytes, now);
        if (out.what == metadata_assembler::verdict::complete) check(a.metadata() == truth);
        break;
      }
      case 3: a.on_reject(peer, next()); break;
      case 4: a.remove_peer(peer); break;
      case 5: now += std::chrono::seconds(next()); break;
    }
    check(a.metadata().size() <= static_cast<std::size_t>(limits.max_metadata_size));
    check(!a.complete() || a.metadata() == truth);
  }
  return 0;
}
