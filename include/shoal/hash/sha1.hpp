#pragma once
// SHA-1: with the x86 SHA extensions where the CPU has them (sha1_lane.hpp), over OpenSSL 3 EVP
// elsewhere. No OpenSSL header leaks out of this file.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal {

struct sha1_digest {
  std::array<std::uint8_t, 20> bytes{};

  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  std::string str() const { return std::string(view()); }
  std::string hex() const;
  // From exactly 20 raw bytes; anything else gives an all-zero digest and false.
  static bool from_bytes(std::string_view raw, sha1_digest& out);
  friend bool operator==(const sha1_digest&, const sha1_digest&) = default;
  friend auto operator<=>(const sha1_digest&, const sha1_digest&) = default;
};

// Incremental hasher; reusable after final() (it resets itself).
class sha1_hasher {
 public:
  // use_extensions = false hashes with OpenSSL even where the CPU has the extensions (for tests).
  sha1_hasher();
  explicit sha1_hasher(bool use_extensions);
  ~sha1_hasher();
  sha1_hasher(const sha1_hasher&) = delete;
  sha1_hasher& operator=(const sha1_hasher&) = delete;
  sha1_hasher(sha1_hasher&&) noexcept;
  sha1_hasher& operator=(sha1_hasher&&) noexcept;

  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  sha1_digest final();

 private:
  void* ctx_;  // sha1_lane* when native_, else EVP_MD_CTX*
  bool native_;
};

sha1_digest sha1(std::string_view data);
sha1_digest sha1(const void* data, std::size_t size);
// By OpenSSL whatever the CPU has: the reference the native code is tested against.
sha1_digest sha1_openssl(const void* data, std::size_t size);

struct sha1_digest_hash {
  std::size_t operator()(const sha1_digest& d) const noexcept {
    std::size_t h;
    static_assert(sizeof(h) <= 20);
    __builtin_memcpy(&h, d.bytes.data(), sizeof(h));
    return h;
  }
};

}  // namespace shoal
