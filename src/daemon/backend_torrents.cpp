// rpc::backend over the daemon's torrents: adding one (saved in the state folder first), removing, per-torrent
// limits, and what the session does not keep (folder, dates, totals over every run).
#include "shoald.hpp"

#include <spdlog/spdlog.h>

#include "shoal/metainfo/magnet.hpp"

namespace fs = std::filesystem;

namespace shoal::daemon {

result<rpc::added_torrent> shoald::add(std::string_view bytes, const std::string& dir, bool paused) {
  auto m = parse_metainfo(bytes);
  if (!m) return error{error_code::invalid_data, "invalid or corrupt torrent file: " + m.message()};
  return add_parsed(std::move(*m), dir, paused, false, bytes);
}

result<fs::path> shoald::download_dir_of(const fs::path& dir_in) const {
  const fs::path dir = dir_in.empty() ? fs::path(settings_.download_dir) : dir_in;
  if (!dir.is_absolute()) return error{error_code::invalid_data, "download-dir '" + dir.string() + "': not an absolute path"};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return error{error_code::io, "download-dir '" + dir.string() + "': " + ec.message()};
  return dir;
}

// Saved as a .magnet until the metadata arrives; the session then writes the .torrent where the state keeps it.
result<rpc::added_torrent> shoald::add_magnet(std::string_view uri, const std::string& dir_in, bool paused) {
  auto link = parse_magnet(uri);
  if (!link) return error{error_code::invalid_data, "invalid magnet link: " + link.message()};
  const std::string hash = link->info_hash.hex();
  if (auto existing = session_.find(link->info_hash)) {
    auto st = session_.status_of(*existing);
    return rpc::added_torrent{*existing, st ? st->name : hash, hash, true};
  }
  auto dir = download_dir_of(dir_in);
  if (!dir) return dir.err();
  if (auto st = store_.save_magnet(link->info_hash, uri); !st) return st.err();
  auto o = options_for(*dir, false);
  o.save_torrent = store_.torrent_path(link->info_hash);
  auto id = session_.add_magnet(*link, std::move(o), paused);
  if (!id) {
    (void)store_.remove(link->info_hash);
    return id.err();
  }
  auto& x = record_for(*id, *dir, link->info_hash);
  x.added_date = unix_now();
  if (saver_) (void)saver_->save(*id);
  const std::string name = link->name.empty() ? hash : link->name;
  spdlog::info("added magnet {} ({}) into {}{}", name, hash, dir->string(), paused ? ", paused" : "");
  return rpc::added_torrent{*id, name, hash, false};
}

result<rpc::added_torrent> shoald::add_parsed(metainfo m, const fs::path& dir_in, bool paused, bool seed,
                                              std::string_view torrent_bytes) {
  if (auto existing = session_.find(m.info_hash)) {
    auto st = session_.status_of(*existing);
    return rpc::added_torrent{*existing, st ? st->name : m.name, m.info_hash.hex(), true};
  }
  auto usable = download_dir_of(dir_in);
  if (!usable) return usable.err();
  const fs::path& dir = *usable;
  // Saved first: a torrent the daemon runs is one it finds again after a restart (or a SIGKILL).
  const sha1_digest info_hash = m.info_hash;
  if (auto st = store_.save_torrent(info_hash, torrent_bytes); !st) return st.err();
  const std::string name = m.name, hash = m.info_hash.hex();
  auto id = session_.add(std::move(m), options_for(dir, seed), paused);
  if (!id) {
    (void)store_.remove(info_hash);
    return id.err();
  }
  auto& x = record_for(*id, dir, info_hash);
  x.added_date = unix_now();
  x.has_torrent_file = true;
  if (saver_) (void)saver_->save(*id);
  spdlog::info("added {} ({}) into {}{}", name, hash, dir.string(), paused ? ", paused" : "");
  return rpc::added_torrent{*id, name, hash, false};
}

status shoald::remove(session::torrent_id id, bool delete_data) {
  auto st = session_.status_of(id);
  if (!st) return error{error_code::not_found, "no torrent with id " + std::to_string(id)};
  if (auto r = session_.remove(id, delete_data); !r) return r;
  if (auto r = store_.remove(st->info_hash); !r) spdlog::warn("{}: {}", st->name, r.message());
  uploaded_removed_ += st->uploaded;
  downloaded_removed_ += st->downloaded;
  extras_.erase(id);
  spdlog::info("removed {}{}", st->name, delete_data ? " and its data" : "");
  return ok();
}

status shoald::set_limits(session::torrent_id id, const rpc::torrent_extras& x) {
  session::torrent_limits l;
  l.download_rate = rate_of(x.download_limited, x.download_limit);
  l.upload_rate = rate_of(x.upload_limited, x.upload_limit);
  l.max_peers = static_cast<std::size_t>(std::max<std::int64_t>(1, x.peer_limit));
  if (auto st = session_.set_limits(id, l); !st) return st;
  auto& mine = extras_[id];
  mine.download_limit = x.download_limit;
  mine.upload_limit = x.upload_limit;
  mine.download_limited = x.download_limited;
  mine.upload_limited = x.upload_limited;
  mine.peer_limit = x.peer_limit;
  if (saver_) (void)saver_->save(id);
  return ok();
}

void shoald::on_metadata(session::torrent_id id, const sha1_digest& info_hash) {
  std::error_code ec;
  if (!fs::exists(store_.torrent_path(info_hash), ec)) return;  // not written: the magnet stays for the next start
  if (auto st = store_.forget_magnet(info_hash); !st) spdlog::warn("{}", st.message());
  if (auto it = extras_.find(id); it != extras_.end()) it->second.has_torrent_file = true;
}

shoald::torrent_record& shoald::record_for(session::torrent_id id, const fs::path& dir, const sha1_digest& info_hash) {
  auto& x = extras_[id];
  x.download_dir = dirs_.intern(dir);
  x.info_hash = info_hash;
  x.peer_limit = settings_.peer_limit_per_torrent;
  return x;
}

rpc::torrent_extras shoald::extras(session::torrent_id id) const {
  rpc::torrent_extras x;
  if (auto st = session_.status_of(id)) extras_into(id, *st, x);
  else fill_extras(id, x);
  return x;
}

// From the daemon's compact record (the strings' memory of `x` reused: torrent-get fills one per torrent).
void shoald::fill_extras(session::torrent_id id, rpc::torrent_extras& x) const {
  auto it = extras_.find(id);
  if (it == extras_.end()) {
    x = rpc::torrent_extras{};
    return;
  }
  const torrent_record& r = it->second;
  if (r.download_dir) x.download_dir.assign(r.download_dir->string());
  else x.download_dir.clear();
  if (r.has_torrent_file) x.torrent_file.assign(store_.torrent_path(r.info_hash).string());
  else x.torrent_file.clear();
  x.added_date = r.added_date;
  x.done_date = r.done_date;
  x.start_date = r.start_date;
  x.download_limit = r.download_limit;
  x.upload_limit = r.upload_limit;
  x.download_limited = r.download_limited;
  x.upload_limited = r.upload_limited;
  x.peer_limit = r.peer_limit;
  x.uploaded_before = x.downloaded_before = 0;
}

void shoald::extras_into(session::torrent_id id, const session::torrent_status& now, rpc::torrent_extras& x) const {
  fill_extras(id, x);
  // Dates and counters over every run: the session carries them from the resume data.
  if (auto h = session_.history_of(id)) {
    if (h->added_at != 0) x.added_date = h->added_at;
    if (h->completed_at != 0) x.done_date = h->completed_at;
    x.uploaded_before = h->uploaded - std::min<std::uint64_t>(h->uploaded, now.uploaded);
    x.downloaded_before = h->downloaded - std::min<std::uint64_t>(h->downloaded, now.downloaded);
  }
}

}  // namespace shoal::daemon
