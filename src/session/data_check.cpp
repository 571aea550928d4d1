#include "shoal/session/data_check.hpp"

#include <algorithm>

#include "shoal/metainfo/file_layout.hpp"
#include "shoal/ui/progress.hpp"
#include "shoal/storage/check.hpp"

namespace shoal::session {

namespace {

std::string files_of_piece(const metainfo& m, int piece) {
  std::string names;
  for (const auto& s : map_piece(m, piece)) {
    const auto& f = m.files[static_cast<std::size_t>(s.file_index)];
    if (f.pad) continue;
    if (!names.empty()) names += ", ";
    names += f.path();
  }
  return names;
}

}  // namespace

metainfo with_content_name(const metainfo& m, const std::string& content_name) {
  metainfo copy = m;
  copy.name = content_name;
  for (auto& f : copy.files)
    if (!f.components.empty()) f.components.front() = content_name;
  return copy;
}

result<checked_data> open_and_check(const metainfo& m, const std::filesystem::path& root, bool seed_only,
                                    int threads, bool progress_bar) {
  if (seed_only) {
    for (const auto& f : m.files) {
      if (f.pad) continue;
      std::error_code ec;
      auto p = root / std::filesystem::path(f.path());
      if (!std::filesystem::is_regular_file(p, ec)) return error{"missing file: " + p.string()};
      auto size = std::filesystem::file_size(p, ec);
      if (ec || static_cast<std::int64_t>(size) != f.length)
        return error{"wrong size: " + p.string() + " has " + std::to_string(size) + " bytes, the torrent says " +
                     std::to_string(f.length)};
    }
  }
  // Shown in bytes (pieces checked x piece length); check_existing serializes its progress calls.
  ui::progress_meter progress(stderr, "checking " + m.name, m.total_length, progress_bar);
  auto bytes_of = [&](int pieces) { return std::min(m.total_length, std::int64_t{pieces} * m.piece_length); };
  int checked = 0;
  auto have = check_existing(m, root, threads, [&](int done, int) {
    checked = done;
    progress.update(bytes_of(done));
  });
  progress.finish(bytes_of(checked));
  if (!have) return have.err();
  // Opened after the check: a leech's files are created (sparse) here, so a fresh download hashes nothing.
  auto st = storage::open(m, root, seed_only ? storage::open_mode::read_only : storage::open_mode::create);
  if (!st) return st.err();
  if (seed_only && !have->all()) {
    int bad = 0;
    while (have->get(static_cast<std::size_t>(bad))) ++bad;
    return error{"piece " + std::to_string(bad) + " does not match its SHA-1 (in " + files_of_piece(m, bad) + ", under " +
                 root.string() + "): the data is not the torrent's"};
  }
  return checked_data{std::move(*st), std::move(*have)};
}

}  // namespace shoal::session
