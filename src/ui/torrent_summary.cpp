#include "shoal/ui/torrent_summary.hpp"

#include <ctime>
#include <ostream>
#include <sstream>

#include "shoal/metainfo/magnet.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/utf8.hpp"

namespace shoal::ui {

namespace {

std::string utc_time(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(seconds);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

std::string printable(const std::string& s) {
  std::string out = to_valid_utf8(s);
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

std::string human_size(std::int64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
  return buf;
}

pad_totals count_pads(const metainfo& m) {
  pad_totals pads;
  for (const auto& f : m.files)
    if (f.pad) ++pads.files, pads.bytes += f.length;
  return pads;
}

std::string format_torrent_summary(const metainfo& m) {
  const pad_totals pads = count_pads(m);
  const std::int64_t content = m.total_length - pads.bytes;
  std::ostringstream o;
  o << "name:          " << printable(m.name) << "\n"
    << "info-hash:     " << m.info_hash_hex() << (m.hybrid ? " (v1 of a hybrid v1/v2 torrent)" : "") << "\n"
    << "total size:    " << human_size(content) << " (" << content << " bytes)\n"
    << "pieces:        " << m.piece_count() << " x " << human_size(m.piece_length) << " (" << m.piece_length
    << " bytes)\n"
    << "private:       " << (m.is_private ? "yes" : "no") << "\n";
  o << "trackers:" << (m.trackers.empty() ? "      none" : "") << "\n";
  for (std::size_t t = 0; t < m.trackers.size(); ++t)
    for (const auto& url : m.trackers[t]) o << "  tier " << t << ": " << printable(url) << "\n";
  o << "web seeds:" << (m.web_seeds.empty() ? "     none" : "") << "\n";
  for (const auto& url : m.web_seeds) o << "  " << printable(url) << "\n";
  if (!m.comment.empty()) o << "comment:       " << printable(m.comment) << "\n";
  if (!m.created_by.empty()) o << "created by:    " << printable(m.created_by) << "\n";
  if (m.creation_date) o << "creation date: " << utc_time(*m.creation_date) << "\n";
  o << "files:         " << m.files.size() - static_cast<std::size_t>(pads.files);
  if (pads.files) o << " (+" << pads.files << " pad files, " << pads.bytes << " bytes, not listed)";
  o << "\n";
  for (const auto& f : m.files) {
    if (f.pad) continue;
    o << "  " << f.length << "\t" << printable(f.path());
    if (f.symlink) {
      file_entry target;
      target.components = f.symlink_target;
      o << " -> " << printable(target.path()) << " (symlink, not created)";
    }
    o << "\n";
  }
  return o.str();
}

int run_torrent_info(const std::filesystem::path& file, bool json, std::ostream& out, std::ostream& err) {
  if (looks_like_magnet(file.string())) {
    auto link = parse_magnet(file.string());
    if (!link) {
      err << "torrent-info: magnet link: " << printable(link.message()) << "\n";
      return 2;
    }
    out << (json ? format_magnet_json(*link) + "\n" : format_magnet_summary(*link));
    return 0;
  }
  auto m = load_metainfo(file);
  if (!m) {
    err << "torrent-info: " << printable(m.message()) << "\n";
    return 2;
  }
  if (json)
    out << format_torrent_json(*m) << "\n";
  else
    out << format_torrent_summary(*m);
  return 0;
}

}  // namespace shoal::ui
