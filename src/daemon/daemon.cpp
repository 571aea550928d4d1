#include "shoal/daemon/daemon.hpp"

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/daemon/resume_saver.hpp"
#include "shoal/daemon/state_store.hpp"
#include "shoal/daemon/user_db.hpp"
#include "shoal/daemon/watch_dir.hpp"
#include "shoal/metainfo/file_walk.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/metainfo/torrent_builder.hpp"
#include "shoal/net/spawn.hpp"
#include "shoal/rpc/backend.hpp"
#include "shoal/rpc/server.hpp"
#include "shoal/session/session.hpp"
#include "shoal/storage/piece_hasher.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace shoal::daemon {

namespace {

constexpr auto never = std::chrono::seconds(std::int64_t{10} * 365 * 24 * 3600);  // a daemon's download waits
constexpr std::uint64_t kib = 1024;

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::uint64_t rate_of(bool limited, std::int64_t kib_per_s) {
  return limited && kib_per_s > 0 ? static_cast<std::uint64_t>(kib_per_s) * kib : 0;
}

// `p` resolved (symbolic links too) and inside one of `roots`; the error says which rule it broke.
result<fs::path> confine(const std::string& p, const std::vector<std::string>& roots) {
  if (roots.empty()) return error{error_code::invalid_data, "no allowed-roots configured: creating and browsing are off"};
  std::error_code ec;
  const fs::path real = fs::canonical(p, ec);
  if (ec) return error{error_code::not_found, p + ": " + ec.message()};
  for (const auto& r : roots) {
    const fs::path root = fs::canonical(r, ec);
    if (ec) continue;
    auto [rit, pit] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (rit == root.end()) return real;
  }
  return error{error_code::invalid_data, p + ": outside the allowed roots"};
}

class shoald final : public rpc::backend {
 public:
  explicit shoald(const daemon_options& opt)
      : opt_(opt), session_(io_.get_executor(), session_options_of(opt)), signals_(io_), users_(opt.state_dir),
        store_(opt.state_dir) {
    settings_.download_dir = opt.download_dir.string();
    settings_.peer_port = opt.peer_port;
    settings_.speed_limit_down = opt.speed_limit_down;
    settings_.speed_limit_up = opt.speed_limit_up;
    settings_.speed_limit_down_enabled = opt.speed_limit_down > 0;
    settings_.speed_limit_up_enabled = opt.speed_limit_up > 0;
    settings_.peer_limit_global = opt.peer_limit_global;
    settings_.peer_limit_per_torrent = opt.peer_limit_per_torrent;
    settings_.allowed_roots = opt.allowed_roots;
    settings_.dht_enabled = opt.dht;
  }

  int run();

  // rpc::backend
  session::session& engine() override { return session_; }
  result<rpc::added_torrent> add(std::string_view bytes, const std::string& dir, bool paused) override;
  status remove(session::torrent_id id, bool delete_data) override;
  status set_limits(session::torrent_id id, const rpc::torrent_extras& x) override;
  rpc::torrent_extras extras(session::torrent_id id) const override;
  rpc::session_settings settings() const override { return settings_; }
  status apply(const rpc::session_settings& s) override;
  std::uint64_t uploaded_ever() const override { return session_.totals().uploaded + uploaded_removed_; }
  std::uint64_t downloaded_ever() const override { return session_.totals().downloaded + downloaded_removed_; }
  result<rpc::created_torrent> create(const rpc::create_request& r) override;
  result<rpc::browse_listing> browse(const std::optional<std::string>& path) const override;
  // users.json is read again when it changed: a user added by `shoald user add` counts at once.
  // A public bind never answers without a user, even when the last one was removed while it runs.
  bool auth_required() const override { return !users_.empty() || !is_loopback_bind(opt_.rpc_bind); }
  bool check_user(std::string_view name, std::string_view pw) const override { return users_.verify(name, pw); }

 private:
  static session::session_options session_options_of(const daemon_options& opt) {
    session::session_options s;
    s.host = opt.peer_host;
    s.port = opt.peer_port;
    s.max_download_rate_total = rate_of(true, opt.speed_limit_down);
    s.max_upload_rate_total = rate_of(true, opt.speed_limit_up);
    s.max_peers_total = static_cast<std::size_t>(std::max<std::int64_t>(0, opt.peer_limit_global));
    s.dht = opt.dht;
    if (opt.dht_port != 0) s.dht_port = opt.dht_port;
    s.dht_bootstrap = opt.dht_bootstrap;
    if (opt.dht) s.dht_state = saved_dht_state(opt.state_dir);
    return s;
  }
  result<rpc::added_torrent> add_parsed(metainfo m, const fs::path& dir, bool paused, bool seed,
                                        std::string_view torrent_bytes);
  session::torrent_options options_for(const fs::path& dir, bool seed) const;
  void restore();
  asio::awaitable<void> watch_loop();
  void on_event(const session::session_event& e);
  void on_signal(int sig);
  void on_hangup();
  void reload();
  static std::optional<dht::node_state> saved_dht_state(const fs::path& state_dir);
  asio::awaitable<void> dht_save_loop();
  void save_dht(bool at_stop);

  daemon_options opt_;
  asio::io_context io_;
  session::session session_;
  asio::signal_set signals_;
  asio::signal_set hangup_{io_, SIGHUP};
  std::unique_ptr<rpc::http_server> server_;
  rpc::session_settings settings_;
  std::map<session::torrent_id, rpc::torrent_extras> extras_;
  std::uint64_t uploaded_removed_ = 0, downloaded_removed_ = 0;  // of torrents removed this run
  mutable user_db users_;
  state_store store_;
  std::unique_ptr<resume_saver> saver_;
  std::unique_ptr<watch_dir> watch_;
  asio::steady_timer watch_timer_{io_};
  asio::steady_timer dht_timer_{io_};
  bool stopping_ = false;
};

result<rpc::added_torrent> shoald::add(std::string_view bytes, const std::string& dir, bool paused) {
  auto m = parse_metainfo(bytes);
  if (!m) return error{error_code::invalid_data, "invalid or corrupt torrent file: " + m.message()};
  return add_parsed(std::move(*m), dir.empty() ? fs::path(settings_.download_dir) : fs::path(dir), paused, false, bytes);
}

session::torrent_options shoald::options_for(const fs::path& dir, bool seed) const {
  session::torrent_options o;
  o.root = dir;
  o.seed_only = seed;
  o.keep_seeding = true;
  o.timeout = never;
  o.max_peers = static_cast<std::size_t>(std::max<std::int64_t>(1, settings_.peer_limit_per_torrent));
  return o;
}

result<rpc::added_torrent> shoald::add_parsed(metainfo m, const fs::path& dir, bool paused, bool seed,
                                              std::string_view torrent_bytes) {
  if (auto existing = session_.find(m.info_hash)) {
    auto st = session_.status_of(*existing);
    return rpc::added_torrent{*existing, st ? st->name : m.name, m.info_hash.hex(), true};
  }
  if (!dir.is_absolute()) return error{error_code::invalid_data, "download-dir '" + dir.string() + "': not an absolute path"};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return error{error_code::io, "download-dir '" + dir.string() + "': " + ec.message()};
  // Saved first: a torrent the daemon runs is one it finds again after a restart (or a SIGKILL).
  const sha1_digest info_hash = m.info_hash;
  if (auto st = store_.save_torrent(info_hash, torrent_bytes); !st) return st.err();
  const std::string name = m.name, hash = m.info_hash.hex();
  auto id = session_.add(std::move(m), options_for(dir, seed), paused);
  if (!id) {
    (void)store_.remove(info_hash);
    return id.err();
  }
  auto& x = extras_[*id];
  x.download_dir = dir.string();
  x.added_date = unix_now();
  x.peer_limit = settings_.peer_limit_per_torrent;
  x.torrent_file = store_.torrent_path(info_hash).string();
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

rpc::torrent_extras shoald::extras(session::torrent_id id) const {
  auto it = extras_.find(id);
  rpc::torrent_extras x = it != extras_.end() ? it->second : rpc::torrent_extras{};
  // Dates and counters over every run: the session carries them from the resume data.
  if (auto h = session_.history_of(id)) {
    if (h->added_at != 0) x.added_date = h->added_at;
    if (h->completed_at != 0) x.done_date = h->completed_at;
    if (auto st = session_.status_of(id)) {
      x.uploaded_before = h->uploaded - std::min<std::uint64_t>(h->uploaded, st->uploaded);
      x.downloaded_before = h->downloaded - std::min<std::uint64_t>(h->downloaded, st->downloaded);
    }
  }
  return x;
}

status shoald::apply(const rpc::session_settings& s) {
  if (s.speed_limit_down != settings_.speed_limit_down || s.speed_limit_up != settings_.speed_limit_up ||
      s.speed_limit_down_enabled != settings_.speed_limit_down_enabled ||
      s.speed_limit_up_enabled != settings_.speed_limit_up_enabled || s.peer_limit_global != settings_.peer_limit_global)
    return error{error_code::invalid_data,
                 "speed-limit-* and peer-limit-global are set at start (flags or config file) in this version"};
  if (!fs::path(s.download_dir).is_absolute())
    return error{error_code::invalid_data, "download-dir '" + s.download_dir + "': not an absolute path"};
  settings_.download_dir = s.download_dir;
  settings_.peer_limit_per_torrent = s.peer_limit_per_torrent;
  return ok();
}

result<rpc::created_torrent> shoald::create(const rpc::create_request& r) {
  auto path = confine(r.path, settings_.allowed_roots);
  if (!path) return path.err();
  auto tree = walk_source(*path);
  if (!tree) return tree.err();
  if (tree->files.empty() || tree->total_length == 0) return error{error_code::invalid_data, r.path + ": no data to share"};
  std::int64_t piece = r.piece_size == 0 ? default_piece_length(tree->total_length) : r.piece_size;
  if (piece < min_piece_length || piece > max_piece_length || (piece & (piece - 1)) != 0)
    return error{error_code::invalid_data, "piece-size " + std::to_string(r.piece_size) +
                                               ": must be a power of two from 16 KiB to 256 MiB, or 0 for automatic"};
  std::vector<hash_input_file> inputs;
  for (const auto& f : tree->files) inputs.push_back({f.path, f.length});
  piece_hash_options h;
  h.piece_length = piece;
  h.threads = 2;
  spdlog::info("torrent-create: hashing {} ({} bytes)", path->string(), tree->total_length);
  auto pieces = hash_pieces(inputs, h);
  if (!pieces) return pieces.err();
  torrent_spec spec;
  spec.source = &*tree;
  spec.piece_length = piece;
  spec.piece_hashes = std::move(*pieces);
  for (const auto& t : r.trackers) spec.trackers.push_back({t});
  spec.comment = r.comment;
  spec.created_by = "Shoal " SHOAL_VERSION;
  spec.creation_date = unix_now();
  spec.is_private = r.is_private;
  auto built = build_torrent(spec);
  auto m = parse_metainfo(built.bytes);
  if (!m) return error{error_code::invalid_data, "torrent-create: the new torrent does not parse: " + m.message()};
  auto added = add_parsed(std::move(*m), path->parent_path(), false, true, built.bytes);
  if (!added) return added.err();
  return rpc::created_torrent{*added, std::move(built.bytes)};
}

result<rpc::browse_listing> shoald::browse(const std::optional<std::string>& path) const {
  rpc::browse_listing out;
  out.roots = settings_.allowed_roots;
  if (!path || path->empty()) {
    for (const auto& r : settings_.allowed_roots) out.entries.push_back({fs::path(r).filename().string(), r, true, 0});
    return out;
  }
  auto dir = confine(*path, settings_.allowed_roots);
  if (!dir) return dir.err();
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) return error{error_code::invalid_data, *path + ": not a folder"};
  out.path = dir->string();
  constexpr std::size_t max_entries = 10000;
  for (fs::directory_iterator it(*dir, ec), end; !ec && it != end && out.entries.size() < max_entries; it.increment(ec)) {
    std::error_code e2;
    const bool folder = it->is_directory(e2);
    const auto size = folder ? 0 : it->file_size(e2);
    out.entries.push_back({it->path().filename().string(), it->path().string(), folder,
                           e2 ? 0 : static_cast<std::int64_t>(size)});
  }
  if (ec) return error{error_code::io, *path + ": " + ec.message()};
  std::sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) {
    return a.directory != b.directory ? a.directory : a.name < b.name;
  });
  return out;
}

void shoald::on_event(const session::session_event& e) {
  using kind = session::session_event::kind;
  using session::torrent_state;
  auto it = extras_.find(e.id);
  if (it == extras_.end()) return;
  if (e.type == kind::completed && it->second.done_date == 0) it->second.done_date = unix_now();
  if (e.type == kind::state_changed) {
    const bool was_active = e.from == torrent_state::downloading || e.from == torrent_state::seeding;
    const bool active = e.to == torrent_state::downloading || e.to == torrent_state::seeding;
    if (active && !was_active) it->second.start_date = unix_now();
    if (e.to == torrent_state::seeding && it->second.done_date == 0) it->second.done_date = unix_now();
    if (e.to == torrent_state::error) spdlog::warn("{}: {}", e.name, e.message);
  }
}

void shoald::on_signal(int sig) {
  if (stopping_) {
    spdlog::warn("signal {} again: exiting now", sig);
    std::_Exit(1);
  }
  stopping_ = true;
  spdlog::info("{}: stopping", sig == SIGINT ? "interrupted" : "terminated");
  server_->stop();
  watch_timer_.cancel();
  dht_timer_.cancel();
  if (saver_) saver_->save_all();
  asio::co_spawn(io_, [this]() -> asio::awaitable<void> {
    co_await session_.stop(5s, false);
    save_dht(true);
    boost::system::error_code ec;
    signals_.cancel(ec);
    hangup_.cancel(ec);
    io_.stop();
  }, net::report_exception("stop"));
  signals_.async_wait([this](const boost::system::error_code& ec, int again) {
    if (!ec) on_signal(again);
  });
}

// What may change while running changes now; the rest is said to wait for the next start.
void shoald::reload() {
  if (opt_.config_file.empty()) {
    spdlog::info("SIGHUP: no --config file: nothing to reload");
    return;
  }
  auto file = read_config(opt_.config_file);
  if (!file) {
    spdlog::error("SIGHUP: {}: keeping the running settings", file.message());
    return;
  }
  const auto s = resolve_config(merge_config(*file, opt_.flags));
  const auto next = options_from(s, opt_);
  if (!next.download_dir.is_absolute()) {
    spdlog::error("SIGHUP: download-dir '{}' is not an absolute path: keeping the running settings", s.download_dir);
    return;
  }
  settings_.download_dir = next.download_dir.string();
  settings_.allowed_roots = next.allowed_roots;
  settings_.peer_limit_per_torrent = next.peer_limit_per_torrent;
  server_->set_host_whitelist(next.host_whitelist);
  if (auto level = spdlog::level::from_str(s.log_level); s.log_level == "off" || level != spdlog::level::off)
    spdlog::set_level(level);
  if (next.rpc_bind != opt_.rpc_bind || next.rpc_port != opt_.rpc_port || next.peer_port != opt_.peer_port ||
      next.watch_dir != opt_.watch_dir || next.speed_limit_down != opt_.speed_limit_down ||
      next.speed_limit_up != opt_.speed_limit_up || next.peer_limit_global != opt_.peer_limit_global ||
      next.dht != opt_.dht || next.dht_port != opt_.dht_port || next.dht_bootstrap != opt_.dht_bootstrap)
    spdlog::warn("SIGHUP: rpc-bind, rpc-port, peer-port, watch-dir, speed-limit-*, peer-limit-global and dht-* take "
                 "effect at the next start");
  spdlog::info("SIGHUP: {} reloaded (download-dir {}, {} allowed roots, {} extra host names)",
               opt_.config_file.string(), settings_.download_dir, settings_.allowed_roots.size(),
               next.host_whitelist.size());
}

// SIGHUP would end the process by default: it is taken over (ExecReload sends it).
void shoald::on_hangup() {
  hangup_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || stopping_) return;
    reload();
    on_hangup();
  });
}

// Every torrent of the state folder back, with its folder, limits and progress (trusted when the files did not
// change, else checked again); what cannot be read is reported and skipped.
void shoald::restore() {
  auto loaded = store_.load_all();
  for (const auto& p : loaded.problems) spdlog::warn("state: {}", p);
  for (auto& t : loaded.torrents) {
    auto o = options_for(settings_.download_dir, false);
    apply_resume(o, t.resume);
    if (!t.resume_problem.empty()) spdlog::warn("{}: {}: checking its data again", t.meta.name, t.resume_problem);
    const fs::path root = o.root;
    const std::string name = t.meta.name;
    const auto limits = t.resume;
    auto id = session_.add(std::move(t.meta), std::move(o), false);
    if (!id) {
      spdlog::warn("state: {}: {}", name, id.message());
      continue;
    }
    auto& x = extras_[*id];
    x.download_dir = root.string();
    x.torrent_file = t.torrent_file.string();
    x.peer_limit = settings_.peer_limit_per_torrent;
    if (limits) {
      x.download_limited = limits->download_rate_limit != 0;
      x.upload_limited = limits->upload_rate_limit != 0;
      if (x.download_limited) x.download_limit = static_cast<std::int64_t>(limits->download_rate_limit / kib);
      if (x.upload_limited) x.upload_limit = static_cast<std::int64_t>(limits->upload_rate_limit / kib);
      if (limits->max_peers != 0) x.peer_limit = static_cast<std::int64_t>(limits->max_peers);
    }
  }
  if (!loaded.torrents.empty()) spdlog::info("state: {} torrents restored", session_.torrent_count());
}

// <state>/dht.state: the DHT node comes back with its id and contacts. A file that does not decode is reported,
// set aside, and the node starts afresh.
std::optional<dht::node_state> shoald::saved_dht_state(const fs::path& state_dir) {
  auto loaded = state_store(state_dir).load_dht();
  if (!loaded) {
    spdlog::warn("state: {}: the DHT node starts afresh", loaded.message());
    return std::nullopt;
  }
  if (*loaded) spdlog::info("state: DHT node {} with {} nodes", (*loaded)->id.hex(), (*loaded)->nodes.size());
  return *loaded;
}

// Every few minutes (a SIGKILL loses at most that much of the table), and at stop.
asio::awaitable<void> shoald::dht_save_loop() {
  constexpr auto every = 5min;
  while (!stopping_) {
    dht_timer_.expires_after(every);
    auto [ec] = co_await dht_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopping_) co_return;
    save_dht(false);
  }
}

void shoald::save_dht(bool at_stop) {
  auto s = session_.dht_state();
  if (!s) return;  // no node ever ran and none was saved
  auto written = store_.save_dht(*s);
  if (!written) spdlog::warn("state: {}", written.message());
  else if (at_stop) spdlog::info("state: DHT node {} saved with {} nodes", s->id.hex(), s->nodes.size());
}

// --watch-dir: a .torrent dropped there is added (renamed .added), or reported (renamed .invalid).
asio::awaitable<void> shoald::watch_loop() {
  while (!stopping_) {
    watch_->scan([this](const fs::path& file, std::string_view bytes) -> status {
      auto added = add(bytes, "", false);
      if (!added) return added.err();
      if (added->duplicate) spdlog::info("{}: already there as torrent {}", file.string(), added->id);
      return ok();
    });
    watch_timer_.expires_after(2s);
    auto [ec] = co_await watch_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

int shoald::run() {
  std::error_code ec;
  fs::create_directories(opt_.state_dir, ec);
  if (ec) return (spdlog::error("--state-dir {}: {}", opt_.state_dir.string(), ec.message()), 1);
  fs::create_directories(opt_.download_dir, ec);
  if (ec) return (spdlog::error("--download-dir {}: {}", opt_.download_dir.string(), ec.message()), 1);
  if (auto st = store_.open(); !st) return (spdlog::error("{}", st.message()), 1);
  if (auto st = users_.refresh(); !st) return (spdlog::error("{}", st.message()), 1);
  if (users_.empty() && !is_loopback_bind(opt_.rpc_bind))
    return (spdlog::error("--rpc-bind {} is not a loopback address and no user exists: add one first "
                          "(printf 'PASSWORD\\n' | shoald user add NAME --state-dir DIR)", opt_.rpc_bind), 1);
  if (auto st = session_.listen(); !st) return (spdlog::error("peer port: {}", st.message()), 1);
  settings_.peer_port = session_.port();
  rpc::server_options so;
  so.bind = opt_.rpc_bind;
  so.port = opt_.rpc_port;
  so.host_whitelist = opt_.host_whitelist;
  so.web_root = opt_.web_root;
  server_ = std::make_unique<rpc::http_server>(io_, so, *this);
  if (auto st = server_->listen(); !st) return (spdlog::error("{}", st.message()), 1);
  session_.subscribe([this](const session::session_event& e) { on_event(e); });
  restore();
  saver_ = std::make_unique<resume_saver>(session_, store_);
  if (opt_.dht) asio::co_spawn(io_, dht_save_loop(), net::report_exception("dht.state"));
  if (!opt_.watch_dir.empty()) {
    watch_ = std::make_unique<watch_dir>(opt_.watch_dir);
    asio::co_spawn(io_, watch_loop(), net::report_exception("watch-dir"));
  }
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& e, int sig) {
    if (!e) on_signal(sig);
  });
  on_hangup();
  spdlog::info("shoald: RPC on http://{}:{}/transmission/rpc, peers on port {}, downloads into {}", opt_.rpc_bind,
               server_->port(), session_.port(), opt_.download_dir.string());
  io_.run();
  spdlog::info("shoald: stopped");
  return 0;
}

}  // namespace

bool is_loopback_bind(const std::string& address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  const auto a = asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

status user_add(const fs::path& state_dir, const std::string& name, const std::string& password) {
  return user_db(state_dir).add(name, password);
}

status user_remove(const fs::path& state_dir, const std::string& name) { return user_db(state_dir).remove(name); }

result<std::vector<std::string>> user_list(const fs::path& state_dir) { return user_db(state_dir).list(); }

daemon_options options_from(const daemon_settings& s, daemon_options o) {
  std::error_code ec;
  o.download_dir = s.download_dir.empty() ? fs::path() : fs::absolute(s.download_dir, ec);
  o.rpc_bind = s.rpc_bind;
  o.rpc_port = s.rpc_port;
  o.peer_port = s.peer_port;
  o.watch_dir = s.watch_dir;
  o.allowed_roots = s.allowed_roots;
  o.host_whitelist = s.rpc_host_whitelist;
  o.speed_limit_down = static_cast<std::int64_t>(s.speed_limit_down);
  o.speed_limit_up = static_cast<std::int64_t>(s.speed_limit_up);
  o.peer_limit_global = static_cast<std::int64_t>(s.peer_limit_global);
  o.peer_limit_per_torrent = static_cast<std::int64_t>(s.peer_limit_per_torrent);
  o.dht = s.dht_enabled;
  o.dht_port = s.dht_port;
  o.dht_bootstrap = s.dht_bootstrap;
  return o;
}

result<daemon_config> read_config(const fs::path& file) {
  constexpr std::uintmax_t max_config = 1u << 20;
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return error{error_code::not_found, file.string() + ": " + ec.message()};
  if (size > max_config) return error{error_code::invalid_data, file.string() + ": larger than 1 MiB"};
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) return error{error_code::io, file.string() + ": cannot be read"};
  auto c = parse_config(text);
  if (!c) return error{c.code(), file.string() + ": " + c.message()};
  return c;
}

int run_daemon(const daemon_options& opt) {
  shoald d(opt);
  return d.run();
}

}  // namespace shoal::daemon
