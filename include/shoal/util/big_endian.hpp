#pragma once
// Network byte order loads and stores over raw bytes (peer wire, UDP tracker protocol).
#include <cstdint>

namespace shoal {

inline std::uint32_t load_be32(const void* p) noexcept {
  const auto* b = static_cast<const unsigned char*>(p);
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | std::uint32_t{b[3]};
}

inline std::uint16_t load_be16(const void* p) noexcept {
  const auto* b = static_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

inline void store_be32(void* p, std::uint32_t v) noexcept {
  auto* b = static_cast<unsigned char*>(p);
  b[0] = static_cast<unsigned char>(v >> 24);
  b[1] = static_cast<unsigned char>(v >> 16);
  b[2] = static_cast<unsigned char>(v >> 8);
  b[3] = static_cast<unsigned char>(v);
}

inline void store_be16(void* p, std::uint16_t v) noexcept {
  auto* b = static_cast<unsigned char*>(p);
  b[0] = static_cast<unsigned char>(v >> 8);
  b[1] = static_cast<unsigned char>(v);
}

}  // namespace shoal
