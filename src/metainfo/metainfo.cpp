#include "shoal/metainfo/metainfo.hpp"

#include "shoal/util/url_encode.hpp"

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
  return geometry().piece_length(piece);
}

sha1_digest metainfo::piece_hash(int piece) const {
  sha1_digest d;
  if (piece >= 0 && piece < piece_count())
    sha1_digest::from_bytes(pieces().substr(std::size_t(piece) * 20, 20), d);
  return d;
}

std::string metainfo::info_hash_urlencoded() const { return url_encode(info_hash.view()); }

}  // namespace shoal
