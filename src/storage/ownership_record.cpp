#include "shoal/storage/ownership_record.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>
#include <unordered_map>

#include "shoal/storage/confined_open.hpp"
#include "shoal/storage/file_set.hpp"
#include "shoal/util/atomic_write.hpp"

namespace shoal {

namespace {

constexpr std::string_view header = "shoal ownership record 1";

}  // namespace

std::filesystem::path ownership_record_path(const std::filesystem::path& root, const metainfo& m) {
  return root / (".shoal-" + m.info_hash_hex() + ".owned");
}

std::vector<bool> read_ownership_record(const std::filesystem::path& root, const metainfo& m) {
  std::vector<bool> owned(m.files.size(), false);
  std::ifstream in(ownership_record_path(root, m), std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line) || line != header) return owned;
  if (!std::getline(in, line) || line != m.info_hash_hex()) return owned;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < m.files.size(); ++i)
    if (on_disk(m.files[i])) index.emplace(m.files[i].path(), i);
  while (std::getline(in, line))
    if (auto it = index.find(line); it != index.end()) owned[it->second] = true;
  return owned;
}

result<std::vector<found_file>> find_existing_files(const std::filesystem::path& root, const metainfo& m) {
  std::vector<found_file> found(m.files.size());
  int err = 0;
  auto root_fd = open_root(root.string(), open_intent::read, &err);
  if (!root_fd) {
    if (err == ENOENT) return found;
    return root_fd.err();
  }
  const auto owned = read_ownership_record(root, m);
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    if (!on_disk(m.files[i])) continue;
    auto size = confined_size(root_fd->get(), m.files[i].components);
    if (!size) return size.err();
    found[i] = found_file{*size >= 0, std::max<std::int64_t>(*size, 0), owned[i]};
  }
  return found;
}

status write_ownership_record(const std::filesystem::path& root, const metainfo& m) {
  // Sanitized paths hold no control characters (docs/metainfo.md), so one path a line is unambiguous.
  std::string text = std::string(header) + "\n" + m.info_hash_hex() + "\n";
  for (const auto& f : m.files)
    if (on_disk(f)) text += f.path() + "\n";
  std::error_code ec;
  std::filesystem::create_directories(root, ec);  // the files go there next anyway
  if (ec) return error{"create folder " + root.string() + ": " + ec.message()};
  auto s = write_file_atomically(ownership_record_path(root, m), text, true);
  if (!s) return error{"ownership record " + s.message()};
  return ok();
}

status remove_ownership_record(const std::filesystem::path& root, const metainfo& m) {
  std::error_code ec;
  const auto p = ownership_record_path(root, m);
  std::filesystem::remove(p, ec);
  if (ec) return error{"remove " + p.string() + ": " + ec.message()};
  return ok();
}

}  // namespace shoal
