#include "shoal/util/bitfield.hpp"

#include <bit>

namespace shoal {

namespace {

std::size_t byte_count(std::size_t bits) { return (bits + 7) / 8; }

// Mask of the bits of the last byte that are real pieces (0 when bits is a multiple of 8).
std::uint8_t spare_mask(std::size_t bits) {
  const unsigned used = bits & 7;
  return used == 0 ? 0 : static_cast<std::uint8_t>(0xFFu >> used);
}

std::size_t popcount(std::string_view bytes) {
  std::size_t n = 0;
  for (const char c : bytes) n += static_cast<std::size_t>(std::popcount(static_cast<unsigned char>(c)));
  return n;
}

}  // namespace

bitfield::bitfield(std::size_t bits, bool value) : bytes_(byte_count(bits), '\0'), bits_(bits) {
  if (value) set_all();
}

std::string bitfield::check_bytes(std::string_view bytes, std::size_t bits) {
  if (bytes.size() != byte_count(bits))
    return "bitfield: " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(byte_count(bits)) +
           " for " + std::to_string(bits) + " pieces";
  if (!bytes.empty() && (static_cast<std::uint8_t>(bytes.back()) & spare_mask(bits)) != 0)
    return "bitfield: spare bits set after piece " + std::to_string(bits - 1);
  return {};
}

result<bitfield> bitfield::from_bytes(std::string_view bytes, std::size_t bits) {
  if (auto why = check_bytes(bytes, bits); !why.empty()) return error{std::move(why)};
  bitfield b;
  b.bytes_.assign(bytes);
  b.bits_ = bits;
  b.count_ = popcount(bytes);
  return b;
}

void bitfield::set(std::size_t i) noexcept {
  if (i >= bits_) return;
  auto& byte = reinterpret_cast<unsigned char&>(bytes_[i >> 3]);
  const auto bit = static_cast<unsigned char>(0x80u >> (i & 7));
  if ((byte & bit) == 0) {
    byte = static_cast<unsigned char>(byte | bit);
    ++count_;
  }
}

void bitfield::reset(std::size_t i) noexcept {
  if (i >= bits_) return;
  auto& byte = reinterpret_cast<unsigned char&>(bytes_[i >> 3]);
  const auto bit = static_cast<unsigned char>(0x80u >> (i & 7));
  if ((byte & bit) != 0) {
    byte = static_cast<unsigned char>(byte & ~bit);
    --count_;
  }
}

void bitfield::set_all() noexcept {
  for (auto& c : bytes_) c = static_cast<char>(0xFF);
  if (!bytes_.empty()) bytes_.back() = static_cast<char>(0xFFu & ~spare_mask(bits_));
  count_ = bits_;
}

void bitfield::reset_all() noexcept {
  for (auto& c : bytes_) c = '\0';
  count_ = 0;
}

}  // namespace shoal
