#pragma once
// SipHash-2-4 (Aumasson and Bernstein): a fast keyed hash, a MAC for short inputs whose
// output cannot be predicted without the 16-byte key.
#include <array>
#include <cstddef>
#include <cstdint>

namespace shoal {

using siphash_key = std::array<std::uint8_t, 16>;

std::uint64_t siphash24(const siphash_key& key, const void* data, std::size_t size) noexcept;

}  // namespace shoal
