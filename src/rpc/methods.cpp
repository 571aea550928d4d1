#include "shoal/rpc/methods.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "shoal/metainfo/magnet.hpp"
#include "shoal/rpc/base64.hpp"
#include "shoal/rpc/json_writer.hpp"
#include "shoal/rpc/torrent_fields.hpp"
#include "shoal/session/session.hpp"

namespace shoal::rpc {

namespace {

constexpr std::int64_t recent_seconds = 60;  // "recently-active": what changed within the last minute
constexpr std::uintmax_t max_torrent_file = 10u << 20;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string added_json(const added_torrent& t) {
  json_writer w;
  w.begin_object().key("hashString").value(t.hash_hex).key("id").value(static_cast<std::int64_t>(t.id))
      .key("name").value(t.name).end_object();
  return w.take();
}

// A .torrent named by path on the daemon's host, read with a bound (the RPC body has the same one).
result<std::string> read_torrent_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return error{error_code::not_found, path + ": " + ec.message()};
  if (size > max_torrent_file) return error{error_code::invalid_data, path + ": larger than 10 MiB: not a .torrent"};
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) return error{error_code::io, path + ": cannot be read"};
  return bytes;
}

}  // namespace

rpc_methods::rpc_methods(backend& b, std::string session_id) : backend_(b), session_id_(std::move(session_id)) {
  subscription_ = backend_.engine().subscribe([this](const session::session_event& e) { on_event(e); });
}

rpc_methods::~rpc_methods() { backend_.engine().unsubscribe(subscription_); }

void rpc_methods::on_event(const session::session_event& e) {
  using kind = session::session_event::kind;
  const auto now = unix_now();
  if (e.type == kind::removed) {
    note_removed(e.id);
    return;
  }
  // A stats event of a torrent that moves nothing is only a heartbeat.
  if (e.type == kind::stats && e.status.download_rate <= 0 && e.status.upload_rate <= 0 &&
      e.status.state != session::torrent_state::checking)
    return;
  activity_[e.id] = now;
}

// Also called at once by torrent-remove: the session's event comes later, and a client may ask before it.
void rpc_methods::note_removed(session::torrent_id id) {
  activity_.erase(id);
  for (const auto& r : removed_)
    if (r.second == id) return;
  removed_.emplace_back(unix_now(), id);
}

std::vector<session::torrent_id> rpc_methods::recently_removed() {
  const auto cutoff = unix_now() - recent_seconds;
  while (!removed_.empty() && removed_.front().first < cutoff) removed_.pop_front();
  std::vector<session::torrent_id> out;
  for (const auto& [when, id] : removed_) out.push_back(id);
  return out;
}

std::vector<session::torrent_id> rpc_methods::selected(const id_selector& s) {
  auto& engine = backend_.engine();
  std::vector<session::torrent_id> out;
  if (s.what == id_selector::kind::listed) {
    for (auto id : s.ids)
      if (engine.status_of(id)) out.push_back(id);
    for (const auto& h : s.hashes)
      if (auto id = engine.find(h)) out.push_back(*id);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  const auto cutoff = unix_now() - recent_seconds;
  for (auto id : engine.ids()) {
    if (s.what == id_selector::kind::recently_active) {
      auto it = activity_.find(id);
      if (it == activity_.end() || it->second < cutoff) continue;
    }
    out.push_back(id);
  }
  return out;
}

void rpc_methods::handle(std::string_view body, std::function<void(std::string)> done) {
  auto call = parse_request(body);
  if (!call) return done(envelope({call.message(), "{}"}, std::nullopt));
  if (call->what == method::torrent_create)
    return torrent_create(std::get<torrent_create_args>(call->args), call->tag, std::move(done));
  done(envelope(dispatch(*call), call->tag));
}

// The arguments (megabytes for a torrent-get of thousands of torrents) stay in their buffer: the envelope is
// written around them, {"arguments":...,"result":"...","tag":n}.
std::string rpc_methods::envelope(reply r, std::optional<std::int64_t> tag) {
  std::string out = std::move(r.arguments);
  out.insert(0, R"({"arguments":)");
  out += R"(,"result":)";
  append_json_string(out, r.result);
  if (tag) out += R"(,"tag":)" + std::to_string(*tag);
  out += '}';
  return out;
}

rpc_methods::reply rpc_methods::dispatch(const rpc_call& c) {
  auto start = [](backend& b, session::torrent_id id) { return b.engine().resume(id); };
  auto stop = [](backend& b, session::torrent_id id) { return b.engine().pause(id); };
  auto verify = [](backend& b, session::torrent_id id) { return b.engine().verify(id); };
  auto reannounce = [](backend& b, session::torrent_id id) { return b.engine().reannounce(id); };
  switch (c.what) {
    case method::torrent_add: return torrent_add(std::get<torrent_add_args>(c.args));
    case method::torrent_get: return torrent_get(c, std::get<torrent_get_args>(c.args));
    case method::torrent_start:
    case method::torrent_start_now: return for_each(c, start);
    case method::torrent_stop: return for_each(c, stop);
    case method::torrent_verify: return for_each(c, verify);
    case method::torrent_reannounce: return for_each(c, reannounce);
    case method::torrent_remove: return torrent_remove(c, std::get<torrent_remove_args>(c.args));
    case method::torrent_set: return torrent_set(c, std::get<torrent_set_args>(c.args));
    case method::session_get: return session_get();
    case method::session_set: return session_set(std::get<session_set_args>(c.args));
    case method::session_stats: return session_stats();
    case method::free_space: return free_space(std::get<free_space_args>(c.args));
    case method::port_test: return {"success", R"({"port-is-open":false})"};
    case method::torrent_create: break;  // handle() answers it once its pieces are hashed
    case method::shoal_browse: return browse(std::get<browse_args>(c.args));
    case method::unknown: break;
  }
  return {"method name not recognized: " + c.method_name.substr(0, 100), "{}"};
}

rpc_methods::reply rpc_methods::torrent_add(const torrent_add_args& a) {
  const std::string dir = a.download_dir.value_or("");
  result<added_torrent> added = error{error_code::invalid_data, "no torrent"};
  if (a.metainfo) {
    added = backend_.add(*a.metainfo, dir, a.paused);
  } else if (looks_like_magnet(*a.filename)) {
    added = backend_.add_magnet(*a.filename, dir, a.paused);
  } else {
    const std::string& name = *a.filename;
    if (name.starts_with("http://") || name.starts_with("https://"))
      return {"fetching a .torrent from a URL is not supported: give its contents (metainfo) or a magnet link", "{}"};
    auto file = read_torrent_file(name);
    if (!file) return {file.message(), "{}"};
    added = backend_.add(*file, dir, a.paused);
  }
  if (!added) return {added.message(), "{}"};
  json_writer w;
  w.begin_object().key(added->duplicate ? "torrent-duplicate" : "torrent-added").raw(added_json(*added)).end_object();
  if (!added->duplicate) activity_[added->id] = unix_now();
  return {added->duplicate ? "duplicate torrent" : "success", w.take()};
}

// One torrent at a time, straight into the reply: at 10,000 torrents a vector of snapshots, and the reply grown
// by doubling, were most of the time (megabytes of fresh pages, copied and faulted in again).
rpc_methods::reply rpc_methods::torrent_get(const rpc_call& c, const torrent_get_args& a) {
  auto& engine = backend_.engine();
  const torrent_rows rows(a.fields, a.table);
  const auto details = rows.details();
  const auto ids = c.ids.what == id_selector::kind::all ? engine.ids() : selected(c.ids);
  torrent_view v;  // reused: its strings keep their room from one torrent to the next
  v.now = unix_now();
  json_writer w;
  rows.begin(w);
  std::size_t written = 0;
  for (auto id : ids) {
    auto st = engine.status_of(id);
    if (!st) continue;
    v.status = std::move(*st);
    v.meta = engine.info_of(id);
    backend_.extras_into(id, v.status, v.extras);
    auto act = activity_.find(id);
    v.activity_date = act != activity_.end() ? act->second : v.extras.added_date;
    if (details) {
      v.details = engine.details(id, *details);
    } else {
      v.details.reset();
    }
    const auto before = w.size();
    rows.row(w, v);
    // Room for the rest from the first row: half again as much, as names differ (pages never written are free).
    if (written++ == 0) w.reserve(w.size() + (w.size() - before + 1) * (ids.size() - 1) * 3 / 2 + 4096);
  }
  std::vector<session::torrent_id> removed;
  if (c.ids.what == id_selector::kind::recently_active) removed = recently_removed();
  rows.end(w, c.ids.what == id_selector::kind::recently_active ? &removed : nullptr);
  return {"success", w.take()};
}

rpc_methods::reply rpc_methods::for_each(const rpc_call& c, status (*act)(backend&, session::torrent_id)) {
  const auto now = unix_now();
  for (auto id : selected(c.ids)) {
    if (auto st = act(backend_, id); !st) spdlog::debug("rpc {}: torrent {}: {}", c.method_name, id, st.message());
    activity_[id] = now;
  }
  return {};
}

rpc_methods::reply rpc_methods::torrent_remove(const rpc_call& c, const torrent_remove_args& a) {
  for (auto id : selected(c.ids)) {
    if (auto st = backend_.remove(id, a.delete_local_data); !st) return {st.message(), "{}"};
    note_removed(id);
  }
  return {};
}

rpc_methods::reply rpc_methods::torrent_set(const rpc_call& c, const torrent_set_args& a) {
  for (auto id : selected(c.ids)) {
    auto x = backend_.extras(id);
    if (a.download_limit) x.download_limit = *a.download_limit;
    if (a.upload_limit) x.upload_limit = *a.upload_limit;
    if (a.download_limited) x.download_limited = *a.download_limited;
    if (a.upload_limited) x.upload_limited = *a.upload_limited;
    if (a.peer_limit) x.peer_limit = *a.peer_limit;
    if (auto st = backend_.set_limits(id, x); !st) return {st.message(), "{}"};
  }
  return {};
}

rpc_methods::reply rpc_methods::session_get() {
  const auto s = backend_.settings();
  std::error_code ec;
  const auto space = std::filesystem::space(s.download_dir, ec);
  json_writer w;
  w.begin_object()
      .key("alt-speed-down").value(s.alt_speed_down).key("alt-speed-enabled").value(s.alt_speed_enabled)
      .key("alt-speed-up").value(s.alt_speed_up)
      .key("blocklist-enabled").value(false).key("blocklist-size").value(0)
      .key("cache-size-mb").value(4)
      .key("dht-enabled").value(s.dht_enabled)
      .key("download-dir").value(s.download_dir)
      .key("download-dir-free-space").value(ec ? std::int64_t{-1} : static_cast<std::int64_t>(space.available))
      .key("download-queue-enabled").value(false).key("download-queue-size").value(5)
      .key("encryption").value("tolerated")
      .key("idle-seeding-limit").value(30).key("idle-seeding-limit-enabled").value(false)
      .key("incomplete-dir").value(s.download_dir).key("incomplete-dir-enabled").value(false)
      .key("lpd-enabled").value(false)
      .key("peer-limit-global").value(s.peer_limit_global)
      .key("peer-limit-per-torrent").value(s.peer_limit_per_torrent)
      .key("peer-port").value(static_cast<int>(s.peer_port)).key("peer-port-random-on-start").value(false)
      .key("pex-enabled").value(true).key("port-forwarding-enabled").value(false)  // BEP 11 for every public torrent
      .key("queue-stalled-enabled").value(false).key("queue-stalled-minutes").value(30)
      .key("rename-partial-files").value(false)
      .key("rpc-version").value(16).key("rpc-version-minimum").value(1)
      .key("seed-queue-enabled").value(false).key("seed-queue-size").value(10)
      .key("seedRatioLimit").value(2.0).key("seedRatioLimited").value(false)
      .key("session-id").value(session_id_)
      .key("speed-limit-down").value(s.speed_limit_down).key("speed-limit-down-enabled").value(s.speed_limit_down_enabled)
      .key("speed-limit-up").value(s.speed_limit_up).key("speed-limit-up-enabled").value(s.speed_limit_up_enabled)
      .key("start-added-torrents").value(true)
      .key("trash-original-torrent-files").value(false)
      .key("units").begin_object()
      .key("memory-bytes").value(1024).key("memory-units").begin_array().value("KiB").value("MiB").value("GiB").value("TiB").end_array()
      .key("size-bytes").value(1024).key("size-units").begin_array().value("KiB").value("MiB").value("GiB").value("TiB").end_array()
      .key("speed-bytes").value(1024).key("speed-units").begin_array().value("KiB/s").value("MiB/s").value("GiB/s").value("TiB/s").end_array()
      .end_object()
      .key("utp-enabled").value(false)
      .key("version").value("shoal " SHOAL_VERSION)
      .key("shoal-allowed-roots").begin_array();
  for (const auto& r : s.allowed_roots) w.value(r);
  w.end_array().end_object();
  return {"success", w.take()};
}

rpc_methods::reply rpc_methods::session_set(const session_set_args& a) {
  auto s = backend_.settings();
  if (a.download_dir) s.download_dir = *a.download_dir;
  if (a.speed_limit_down) s.speed_limit_down = *a.speed_limit_down;
  if (a.speed_limit_up) s.speed_limit_up = *a.speed_limit_up;
  if (a.speed_limit_down_enabled) s.speed_limit_down_enabled = *a.speed_limit_down_enabled;
  if (a.speed_limit_up_enabled) s.speed_limit_up_enabled = *a.speed_limit_up_enabled;
  if (a.alt_speed_down) s.alt_speed_down = *a.alt_speed_down;
  if (a.alt_speed_up) s.alt_speed_up = *a.alt_speed_up;
  if (a.alt_speed_enabled) s.alt_speed_enabled = *a.alt_speed_enabled;
  if (a.peer_limit_global) s.peer_limit_global = *a.peer_limit_global;
  if (a.peer_limit_per_torrent) s.peer_limit_per_torrent = *a.peer_limit_per_torrent;
  if (auto st = backend_.apply(s); !st) return {st.message(), "{}"};
  return {};
}

rpc_methods::reply rpc_methods::session_stats() {
  auto& engine = backend_.engine();
  const auto t = engine.totals();
  std::vector<session::torrent_status> all;
  engine.statuses(all);
  std::int64_t paused = 0;
  for (const auto& s : all)
    if (s.state == session::torrent_state::paused || s.state == session::torrent_state::error) ++paused;
  auto stats = [&](json_writer& w, std::uint64_t up, std::uint64_t down) {
    w.begin_object().key("downloadedBytes").value(down).key("filesAdded").value(static_cast<std::int64_t>(all.size()))
        .key("secondsActive").value(std::int64_t{0}).key("sessionCount").value(1).key("uploadedBytes").value(up)
        .end_object();
  };
  json_writer w;
  w.begin_object()
      .key("activeTorrentCount").value(static_cast<std::int64_t>(t.active))
      .key("downloadSpeed").value(static_cast<std::int64_t>(t.download_rate))
      .key("pausedTorrentCount").value(paused)
      .key("torrentCount").value(static_cast<std::int64_t>(all.size()))
      .key("uploadSpeed").value(static_cast<std::int64_t>(t.upload_rate))
      .key("cumulative-stats");
  stats(w, backend_.uploaded_ever(), backend_.downloaded_ever());
  w.key("current-stats");
  stats(w, t.uploaded, t.downloaded);
  w.end_object();
  return {"success", w.take()};
}

rpc_methods::reply rpc_methods::free_space(const free_space_args& a) {
  std::error_code ec;
  const auto space = std::filesystem::space(a.path, ec);
  if (ec) return {a.path + ": " + ec.message(), "{}"};
  json_writer w;
  w.begin_object().key("path").value(a.path).key("size-bytes").value(static_cast<std::int64_t>(space.available)).end_object();
  return {"success", w.take()};
}

// The reply is made in the callback from the reply alone: this object may be gone by then (the server stopped).
void rpc_methods::torrent_create(const torrent_create_args& a, std::optional<std::int64_t> tag,
                                 std::function<void(std::string)> done) {
  create_request r{a.path, a.trackers, a.is_private, a.piece_size, a.comment};
  backend_.create(r, [tag, done = std::move(done)](result<created_torrent> made) {
    if (!made) return done(envelope({made.message(), "{}"}, tag));
    json_writer w;
    w.begin_object().key(made->torrent.duplicate ? "torrent-duplicate" : "torrent-added").raw(added_json(made->torrent))
        .key("metainfo").value(base64_encode(made->torrent_bytes)).end_object();
    done(envelope({"success", w.take()}, tag));
  });
}

rpc_methods::reply rpc_methods::browse(const browse_args& a) {
  auto listing = backend_.browse(a.path);
  if (!listing) return {listing.message(), "{}"};
  json_writer w;
  w.begin_object().key("roots").begin_array();
  for (const auto& r : listing->roots) w.value(r);
  w.end_array().key("path").value(listing->path).key("entries").begin_array();
  for (const auto& e : listing->entries)
    w.begin_object().key("name").value(e.name).key("path").value(e.path).key("directory").value(e.directory)
        .key("size").value(e.size).end_object();
  w.end_array().end_object();
  return {"success", w.take()};
}

}  // namespace shoal::rpc
