// At start: every torrent of the state folder back.
#include "shoald.hpp"

#include <spdlog/spdlog.h>

#include "shoal/metainfo/magnet.hpp"

namespace fs = std::filesystem;

namespace shoal::daemon {

// Each with its folder, limits and progress (trusted when the files did not change, else checked again); what
// cannot be read is reported and skipped.
void shoald::restore() {
  auto loaded = store_.load_all();
  for (const auto& p : loaded.problems) spdlog::warn("state: {}", p);
  for (auto& t : loaded.torrents) {
    auto o = options_for(settings_.download_dir, false);
    apply_resume(o, t.resume);
    if (!t.resume_problem.empty()) spdlog::warn("{}: {}: checking its data again", t.meta.name, t.resume_problem);
    const fs::path root = o.root;
    const std::string name = t.meta.name;
    const sha1_digest info_hash = t.meta.info_hash;
    const auto limits = t.resume;
    auto id = session_.add(std::move(t.meta), std::move(o), false);
    if (!id) {
      spdlog::warn("state: {}: {}", name, id.message());
      continue;
    }
    auto& x = record_for(*id, root, info_hash);
    x.has_torrent_file = true;  // t.torrent_file: the state folder's <hash>.torrent
    if (limits) {
      x.download_limited = limits->download_rate_limit != 0;
      x.upload_limited = limits->upload_rate_limit != 0;
      if (x.download_limited) x.download_limit = static_cast<std::int64_t>(limits->download_rate_limit / kib);
      if (x.upload_limited) x.upload_limit = static_cast<std::int64_t>(limits->upload_rate_limit / kib);
      if (limits->max_peers != 0) x.peer_limit = static_cast<std::int64_t>(limits->max_peers);
    }
  }
  restore_magnets(loaded.magnets);
  if (session_.torrent_count() != 0) spdlog::info("state: {} torrents restored", session_.torrent_count());
}

// Magnets whose metadata had not arrived: fetching it again, into their folder, paused if they were.
void shoald::restore_magnets(std::vector<stored_magnet>& magnets) {
  for (auto& sm : magnets) {
    auto link = parse_magnet(sm.uri);  // load_all parsed it already: this cannot fail
    if (!link) continue;
    auto o = options_for(settings_.download_dir, false);
    const bool paused = sm.resume && sm.resume->paused;
    apply_resume(o, sm.resume);
    o.save_torrent = store_.torrent_path(sm.info_hash);
    const fs::path root = o.root;
    auto id = session_.add_magnet(*link, std::move(o), paused);
    if (!id) {
      spdlog::warn("state: {}: {}", sm.info_hash.hex(), id.message());
      continue;
    }
    auto& x = record_for(*id, root, sm.info_hash);
    x.added_date = sm.resume && sm.resume->added_at != 0 ? sm.resume->added_at : unix_now();
  }
}

}  // namespace shoal::daemon
