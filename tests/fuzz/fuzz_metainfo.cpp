// libFuzzer: parse_metainfo never crashes; what it accepts has only safe relative paths, and
// the file layout covers every piece exactly.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shoal/metainfo/file_layout.hpp"
#include "shoal/metainfo/metainfo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto m = shoal::parse_metainfo(in);
  if (!m) {
    if (m.message().empty()) std::abort();
    return 0;
  }
  for (const auto& f : m->files) {
    if (f.components.empty()) std::abort();
    for (const auto& c : f.components)
      if (c.empty() || c == "." || c == ".." || c.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
        std::abort();
  }
  std::vector<shoal::file_slice> slices;
  std::int64_t total = 0;
  for (int p = 0; p < m->piece_count(); ++p) {
    shoal::map_block(*m, p, 0, m->piece_size(p), slices);
    std::int64_t sum = 0;
    for (const auto& s : slices) {
      const auto& f = m->files[std::size_t(s.file_index)];
      if (s.length <= 0 || s.file_offset < 0 || s.file_offset + s.length > f.length) std::abort();
      sum += s.length;
    }
    if (sum != m->piece_size(p)) std::abort();
    total += sum;
  }
  if (total != m->total_length) std::abort();
  return 0;
}
