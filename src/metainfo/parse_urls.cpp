// Trackers and web seeds are hints, not part of the content: like libtorrent, entries of the
// wrong type are skipped instead of refusing the torrent.
#include <unordered_set>

#include "parse_detail.hpp"

namespace shoal::metainfo_detail {

namespace {

std::string trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

void parse_trackers(const value& root, metainfo& m) {
  std::unordered_set<std::string> seen;
  const value* list = root.find("announce-list");
  if (list && list->is_list()) {
    for (const auto& tier_value : list->as_list()) {
      if (!tier_value.is_list()) continue;
      std::vector<std::string> tier;
      for (const auto& url : tier_value.as_list()) {
        if (!url.is_string()) continue;
        std::string u = trimmed(url.as_string());
        if (!u.empty() && seen.insert(u).second) tier.push_back(std::move(u));
      }
      if (!tier.empty()) m.trackers.push_back(std::move(tier));
    }
  }
  // BEP 12: announce is only used when announce-list gives nothing.
  if (m.trackers.empty()) {
    const value* announce = root.find("announce");
    if (announce && announce->is_string()) {
      std::string u = trimmed(announce->as_string());
      if (!u.empty()) m.trackers.push_back({std::move(u)});
    }
  }
}

void parse_web_seeds(const value& root, metainfo& m) {
  const value* urls = root.find("url-list");
  if (!urls) return;
  std::unordered_set<std::string> seen;
  auto add = [&](const value& v) {
    if (!v.is_string()) return;
    std::string u = trimmed(v.as_string());
    if (!u.empty() && seen.insert(u).second) m.web_seeds.push_back(std::move(u));
  };
  if (urls->is_string()) {
    add(*urls);
  } else if (urls->is_list()) {
    for (const auto& v : urls->as_list()) add(v);
  }
}

}  // namespace shoal::metainfo_detail
