#pragma once
// Which pieces a peer (or we) have: BEP 3 bit order, high bit of byte 0 = piece 0.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal {

class bitfield {
 public:
  bitfield() = default;
  explicit bitfield(std::size_t bits, bool value = false);

  // Exactly ceil(bits/8) bytes with the spare bits of the last byte zero; errors say which rule broke.
  static result<bitfield> from_bytes(std::string_view bytes, std::size_t bits);
  // The same rules without building a bitfield: empty when valid, else why ("bitfield: ...").
  static std::string check_bytes(std::string_view bytes, std::size_t bits);

  std::size_t size() const noexcept { return bits_; }
  bool get(std::size_t i) const noexcept {
    return i < bits_ && (static_cast<std::uint8_t>(bytes_[i >> 3]) & (0x80u >> (i & 7))) != 0;
  }
  bool operator[](std::size_t i) const noexcept { return get(i); }
  void set(std::size_t i) noexcept;    // out of range: ignored
  void reset(std::size_t i) noexcept;  // out of range: ignored
  void set_all() noexcept;
  void reset_all() noexcept;

  std::size_t count() const noexcept { return count_; }
  bool all() const noexcept { return count_ == bits_; }
  bool none() const noexcept { return count_ == 0; }

  // Wire form, ceil(size()/8) bytes, spare bits zero.
  std::string_view bytes() const noexcept { return bytes_; }

  friend bool operator==(const bitfield& a, const bitfield& b) noexcept {
    return a.bits_ == b.bits_ && a.bytes_ == b.bytes_;
  }

 private:
  std::string bytes_;
  std::size_t bits_ = 0;
  std::size_t count_ = 0;  // kept up to date so count()/all()/none() are O(1) on hot paths
};

}  // namespace shoal
