#include "shoal/wire/allowed_fast.hpp"

#include <algorithm>
#include <string>

#include "shoal/util/big_endian.hpp"

namespace shoal::wire {

std::vector<std::uint32_t> allowed_fast_set(const std::array<std::uint8_t, 4>& ipv4, const sha1_digest& info_hash,
                                            std::uint32_t piece_count, std::uint32_t k) {
  std::vector<std::uint32_t> out;
  k = std::min(k, piece_count);
  if (k == 0) return out;
  // x = (ip & 0xffffff00) || info-hash, then hashed again and again; each digest gives five candidates.
  std::string x(24, '\0');
  for (int i = 0; i < 3; ++i) x[static_cast<std::size_t>(i)] = static_cast<char>(ipv4[static_cast<std::size_t>(i)]);
  std::copy(info_hash.bytes.begin(), info_hash.bytes.end(), x.begin() + 4);
  while (out.size() < k) {
    const sha1_digest d = sha1(x);
    x.assign(reinterpret_cast<const char*>(d.bytes.data()), d.bytes.size());
    for (std::size_t i = 0; i < 5 && out.size() < k; ++i) {
      const std::uint32_t index = load_be32(x.data() + 4 * i) % piece_count;
      if (std::find(out.begin(), out.end(), index) == out.end()) out.push_back(index);
    }
  }
  return out;
}

}  // namespace shoal::wire
