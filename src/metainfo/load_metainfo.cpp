#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "shoal/metainfo/metainfo.hpp"

namespace shoal {

result<metainfo> load_metainfo(const std::filesystem::path& file, const metainfo_limits& limits) {
  const std::string where = file.string() + ": ";
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return error{where + "is a directory"};
  std::ifstream in(file, std::ios::binary);
  if (!in) return error{where + std::strerror(errno)};
  // Read at most one byte past the limit: enough to tell "too large" without trusting a size.
  std::string bytes;
  const std::size_t cap = limits.max_file_size + 1;
  char buf[64 * 1024];
  while (bytes.size() < cap) {
    in.read(buf, static_cast<std::streamsize>(std::min(sizeof buf, cap - bytes.size())));
    bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return error{where + "read error"};
  if (bytes.size() > limits.max_file_size)
    return error{where + "larger than the limit of " + std::to_string(limits.max_file_size) + " bytes"};
  auto m = parse_metainfo(bytes, limits);
  if (!m) return error{where + m.message()};
  return m;
}

}  // namespace shoal
