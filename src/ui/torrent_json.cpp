// torrent-info --json. Boost.JSON stays in this file.
#include <boost/json.hpp>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/ui/torrent_summary.hpp"
#include "shoal/util/utf8.hpp"

namespace shoal::ui {

namespace {

boost::json::string text(const std::string& s) { return boost::json::string(to_valid_utf8(s)); }

}  // namespace

std::string format_torrent_json(const metainfo& m) {
  boost::json::object o;
  o["info_hash"] = m.info_hash_hex();
  o["name"] = text(m.name);
  const pad_totals pads = count_pads(m);
  o["length"] = m.total_length - pads.bytes;  // what the files hold on disk; pads are apart
  o["piece_length"] = m.piece_length;
  o["piece_count"] = m.piece_count();
  o["private"] = m.is_private;
  o["hybrid"] = m.hybrid;
  boost::json::array tiers;
  for (const auto& tier : m.trackers) {
    boost::json::array urls;
    for (const auto& url : tier) urls.push_back(text(url));
    tiers.push_back(std::move(urls));
  }
  o["announce"] = std::move(tiers);
  boost::json::array seeds;
  for (const auto& url : m.web_seeds) seeds.push_back(text(url));
  o["web_seeds"] = std::move(seeds);
  o["comment"] = text(m.comment);
  o["created_by"] = text(m.created_by);
  if (m.creation_date)
    o["creation_date"] = *m.creation_date;
  else
    o["creation_date"] = nullptr;
  boost::json::array files;
  for (const auto& f : m.files) {
    if (f.pad) continue;
    boost::json::object e;
    e["path"] = text(f.path());
    e["length"] = f.length;
    if (f.symlink) e["symlink"] = true;
    files.push_back(std::move(e));
  }
  o["files"] = std::move(files);
  o["pad_files"] = pads.files;
  o["pad_bytes"] = pads.bytes;
  return boost::json::serialize(o);
}

}  // namespace shoal::ui
