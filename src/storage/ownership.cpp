#include "shoal/storage/ownership.hpp"

#include <algorithm>

namespace shoal {

namespace {

// Pieces [first, last] holding at least one byte of a non-empty file.
std::pair<std::int64_t, std::int64_t> pieces_of(const metainfo& m, const file_entry& f) {
  return {f.offset / m.piece_length, (f.offset + f.length - 1) / m.piece_length};
}

bool any_piece_verified(const metainfo& m, const file_entry& f, const bitfield& have) {
  if (f.length <= 0) return false;
  const auto [first, last] = pieces_of(m, f);
  for (auto p = first; p <= last; ++p)
    if (have.get(static_cast<std::size_t>(p))) return true;
  return false;
}

file_verdict judge(const metainfo& m, const file_entry& f, const found_file& at, const bitfield& have, bool overwrite) {
  if (f.pad || f.symlink || !at.exists) return file_verdict::create;
  if (at.owned || overwrite) return file_verdict::resume;
  if (at.size > f.length) return file_verdict::too_long;
  if (at.size == 0) return file_verdict::adopt;  // nothing in it to lose
  return any_piece_verified(m, f, have) ? file_verdict::adopt : file_verdict::not_this_data;
}

std::string shown_path(const std::string& root, const file_entry& f) {
  if (root.empty() || root == ".") return f.path();
  return root.back() == '/' ? root + f.path() : root + "/" + f.path();
}

}  // namespace

std::vector<file_verdict> judge_existing_files(const metainfo& m, const std::vector<found_file>& found,
                                               const bitfield& have, bool overwrite) {
  std::vector<file_verdict> out;
  out.reserve(m.files.size());
  for (std::size_t i = 0; i < m.files.size(); ++i)
    out.push_back(judge(m, m.files[i], i < found.size() ? found[i] : found_file{}, have, overwrite));
  return out;
}

std::string refusal_message(const metainfo& m, const std::vector<found_file>& found,
                            const std::vector<file_verdict>& verdicts, const std::string& root) {
  const auto first = std::find_if(verdicts.begin(), verdicts.end(), refused);
  if (first == verdicts.end()) return {};
  const auto i = static_cast<std::size_t>(first - verdicts.begin());
  const file_entry& f = m.files[i];
  const std::int64_t size = found[i].size;
  std::string line = shown_path(root, f) + " exists and is not this torrent's: ";
  if (*first == file_verdict::too_long) {
    line += "it has " + std::to_string(size) + " bytes, the torrent's file " + std::to_string(f.length) +
            " (it would be cut)";
  } else {
    const auto [p0, p1] = pieces_of(m, f);
    const auto n = p1 - p0 + 1;
    line += "none of its " + (n == 1 ? std::string("1 piece matches") : std::to_string(n) + " pieces match") +
            " (" + std::to_string(size) + " bytes)";
  }
  const auto more = std::count_if(first + 1, verdicts.end(), refused);
  if (more > 0) line += " (and " + std::to_string(more) + " more such file" + (more > 1 ? "s" : "") + ")";
  return line + "; refusing to write into it: move it away, or use --overwrite to replace it";
}

}  // namespace shoal
