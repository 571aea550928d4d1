#include "shoal/hash/sha1_pair.hpp"

namespace shoal {

bool sha1_pair::extensions_available() { return sha1_lane::available(); }

sha1_pair::sha1_pair(bool use_extensions) {
  if (!use_extensions || !extensions_available())
    openssl_.emplace(std::array<sha1_hasher, 2>{sha1_hasher(false), sha1_hasher(false)});
}

void sha1_pair::update(const void* a, const void* b, std::size_t n) {
  auto& [l0, l1] = lanes_;
  if (!openssl_ && l0.pending_size == 0 && l1.pending_size == 0 && n >= 64) {
    const auto* pa = static_cast<const unsigned char*>(a);
    const auto* pb = static_cast<const unsigned char*>(b);
    sha1_lane_update_pair(l0, l1, pa, pb, n / 64);
    const std::size_t done = n / 64 * 64;
    a = pa + done;
    b = pb + done;
    n -= done;
  }
  update(0, a, n);
  update(1, b, n);
}

void sha1_pair::update(int lane, const void* data, std::size_t n) {
  if (n == 0) return;
  if (openssl_) return (*openssl_)[static_cast<std::size_t>(lane)].update(data, n);
  lanes_[static_cast<std::size_t>(lane)].update(data, n);
}

sha1_digest sha1_pair::final(int lane) {
  const auto i = static_cast<std::size_t>(lane);
  if (openssl_) return (*openssl_)[i].final();
  return lanes_[i].final();
}

}  // namespace shoal
