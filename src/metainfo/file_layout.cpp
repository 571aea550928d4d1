#include "shoal/metainfo/file_layout.hpp"

#include <algorithm>

namespace shoal {

void map_block(const metainfo& m, int piece, std::int64_t offset, std::int64_t length,
               std::vector<file_slice>& out) {
  out.clear();
  const std::int64_t size = m.piece_size(piece);
  if (size <= 0 || offset < 0 || length <= 0 || offset > size || length > size - offset) return;
  std::int64_t pos = std::int64_t{piece} * m.piece_length + offset;
  const std::int64_t end = pos + length;
  // First file whose range ends after pos; files are in offset order.
  auto it = std::upper_bound(m.files.begin(), m.files.end(), pos,
                             [](std::int64_t p, const file_entry& f) { return p < f.offset + f.length; });
  for (; it != m.files.end() && pos < end; ++it) {
    if (it->length == 0) continue;
    const std::int64_t in_file = pos - it->offset;
    const std::int64_t n = std::min(end - pos, it->length - in_file);
    out.push_back({static_cast<int>(it - m.files.begin()), in_file, n});
    pos += n;
  }
}

std::vector<file_slice> map_block(const metainfo& m, int piece, std::int64_t offset, std::int64_t length) {
  std::vector<file_slice> out;
  map_block(m, piece, offset, length, out);
  return out;
}

}  // namespace shoal
