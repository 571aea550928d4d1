#include "shoal/session/data_check.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/metainfo/file_layout.hpp"
#include "shoal/storage/check.hpp"
#include "shoal/storage/file_set.hpp"
#include "shoal/storage/ownership.hpp"
#include "shoal/storage/ownership_record.hpp"

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

constexpr std::size_t max_lines_per_kind = 5;  // a torrent of 10000 files must not flood the log

// Names longer than a file system holds were shortened by the parser: say under which name each file is.
void log_shortened_names(const metainfo& m) {
  std::size_t n = 0;
  for (const auto& f : m.files) {
    if (!f.name_shortened || !on_disk(f)) continue;
    if (n++ < max_lines_per_kind)
      spdlog::info("{}: name longer than 255 bytes, kept as {} (shortened, with a hash of the full name)", m.name,
                   f.path());
  }
  if (n > max_lines_per_kind) spdlog::info("{}: {} file names shortened in all", m.name, n);
}

// Leech: decides which existing files may be written (refusing anybody else's), then records them all as ours.
status claim_files(const metainfo& m, const std::filesystem::path& root, const bitfield& have, bool overwrite) {
  auto found = find_existing_files(root, m);
  if (!found) return found.err();
  const auto verdicts = judge_existing_files(m, *found, have, overwrite);
  if (auto line = refusal_message(m, *found, verdicts, root.string()); !line.empty()) return error{line};
  std::size_t adopted = 0;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const found_file& at = (*found)[i];
    const bool taken = at.size > 0 && (verdicts[i] == file_verdict::adopt || (overwrite && at.exists && !at.owned));
    if (taken && adopted++ < max_lines_per_kind)
      spdlog::info("{}: {} was there already ({} bytes): {}", m.name, m.files[i].path(), at.size,
                   verdicts[i] == file_verdict::adopt ? "its verified pieces are kept" : "overwriting it (--overwrite)");
  }
  if (adopted > max_lines_per_kind) spdlog::info("{}: {} existing files taken over in all", m.name, adopted);
  return write_ownership_record(root, m);
}

}  // namespace

void forget_ownership(const metainfo& m, const std::filesystem::path& root) {
  if (auto s = remove_ownership_record(root, m); !s) spdlog::warn("{}: {}", m.name, s.message());
}

metainfo with_content_name(const metainfo& m, const std::string& content_name) {
  metainfo copy = m;
  copy.name = content_name;
  for (auto& f : copy.files)
    if (!f.components.empty()) f.components.front() = content_name;
  return copy;
}

result<checked_data> open_and_check(std::shared_ptr<const metainfo> shared, const std::filesystem::path& root,
                                    const check_options& o, check_control& progress) {
  const metainfo& m = *shared;
  if (!o.recheck) log_shortened_names(m);
  if (o.seed_only) {
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
  auto have = check_existing(m, root, o.threads, progress);  // cancelled: error_code::cancelled
  if (!have) return have.err();
  checked_data out{std::nullopt, std::move(*have)};
  if (!o.recheck) {
    if (!o.seed_only)
      if (auto s = claim_files(m, root, out.have, o.overwrite); !s) return s.err();
    // Opened after the check: a leech's files are created here, so a fresh download hashes nothing.
    storage_options so;
    so.preallocate = o.preallocate;
    auto st = storage::open(shared, root, o.seed_only ? storage::open_mode::read_only : storage::open_mode::create, so);
    if (!st) return st.err();
    out.store.emplace(std::move(*st));
  }
  if (o.seed_only && !out.have.all()) {
    int bad = 0;
    while (out.have.get(static_cast<std::size_t>(bad))) ++bad;
    return error{"piece " + std::to_string(bad) + " does not match its SHA-1 (in " + files_of_piece(m, bad) + ", under " +
                 root.string() + "): the data is not the torrent's"};
  }
  return out;
}

}  // namespace shoal::session
