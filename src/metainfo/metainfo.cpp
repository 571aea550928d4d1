#include "shoal/metainfo/metainfo.hpp"

namespace shoal {

std::string file_entry::path() const {
  std::string out;
  for (const auto& c : components) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

std::int64_t metainfo::piece_size(int piece) const {
  if (piece < 0 || piece >= piece_count()) return 0;
  if (piece + 1 < piece_count()) return piece_length;
  return total_length - std::int64_t{piece} * piece_length;
}

sha1_digest metainfo::piece_hash(int piece) const {
  sha1_digest d;
  if (piece >= 0 && piece < piece_count())
    sha1_digest::from_bytes(std::string_view(piece_hashes).substr(std::size_t(piece) * 20, 20), d);
  return d;
}

std::string metainfo::info_hash_urlencoded() const {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (const auto b : info_hash.bytes) {
    const bool unreserved = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                            b == '.' || b == '-' || b == '_' || b == '~';
    if (unreserved) {
      out += static_cast<char>(b);
    } else {
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 0xf];
    }
  }
  return out;
}

}  // namespace shoal
