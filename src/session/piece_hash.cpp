#include "shoal/session/piece_hash.hpp"

#include <algorithm>
#include <vector>

#include "shoal/hash/sha1.hpp"

namespace shoal::session {

result<bool> hash_piece_matches(storage& st, const metainfo& m, int piece) {
  // Per hashing thread, reused: memory stays bounded whatever the piece length.
  constexpr std::int64_t chunk = 256 * 1024;
  thread_local std::vector<std::byte> buf(chunk);
  thread_local sha1_hasher hasher;
  const std::int64_t size = m.piece_size(piece);
  for (std::int64_t off = 0; off < size; off += chunk) {
    const auto n = static_cast<std::size_t>(std::min(chunk, size - off));
    if (auto s = st.read(piece, off, std::span(buf.data(), n)); !s) {
      hasher.final();  // reset for the next piece
      return s.err();
    }
    hasher.update(buf.data(), n);
  }
  return hasher.final() == m.piece_hash(piece);
}

}  // namespace shoal::session
