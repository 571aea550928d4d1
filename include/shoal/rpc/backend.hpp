#pragma once
// What the RPC needs from whoever runs it (the daemon implements it): the session, and what only the daemon
// knows (download folder, add/remove with its state, users, settings, dates and totals over runs). Plain data:
// no Asio, no JSON.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/session/torrent_status.hpp"
#include "shoal/util/result.hpp"

namespace shoal::session {
class session;
}

namespace shoal::rpc {

// A torrent's data the session does not keep: kept by the daemon (and, with its state, over restarts).
struct torrent_extras {
  std::string download_dir;
  std::int64_t added_date = 0;  // unix seconds; 0 = unknown
  std::int64_t done_date = 0;   // when every piece was verified; 0 = not yet
  std::int64_t start_date = 0;  // when it was last started
  std::uint64_t uploaded_before = 0;    // payload over earlier runs (added to this run's counters)
  std::uint64_t downloaded_before = 0;
  std::string torrent_file;  // where its .torrent is kept, or empty
  // The limits set through torrent-set (KiB/s; the `limited` flags say whether they apply).
  std::int64_t download_limit = 100, upload_limit = 100;
  bool download_limited = false, upload_limited = false;
  std::int64_t peer_limit = 50;
};

struct added_torrent {
  session::torrent_id id = 0;
  std::string name;
  std::string hash_hex;
  bool duplicate = false;  // already there: id, name and hash are the existing torrent's
};

// Session-wide settings (session-get / session-set). Speeds in KiB/s: a limit applies when it is enabled and above
// 0; the alternative ("turtle") limits replace both while alt_speed_enabled. Peer limits: 0 = unlimited.
struct session_settings {
  std::string download_dir;
  std::uint16_t peer_port = 0;
  std::int64_t speed_limit_down = 100, speed_limit_up = 100;
  bool speed_limit_down_enabled = false, speed_limit_up_enabled = false;
  std::int64_t alt_speed_down = 50, alt_speed_up = 50;
  bool alt_speed_enabled = false;
  std::int64_t peer_limit_global = 200, peer_limit_per_torrent = 50;
  bool dht_enabled = false;  // the DHT is on (its node runs while some torrent is not private)
  std::vector<std::string> allowed_roots;
};

struct create_request {
  std::string path;  // a file or folder under an allowed root
  std::vector<std::string> trackers;
  bool is_private = false;
  std::int64_t piece_size = 0;  // 0 = chosen from the size
  std::string comment;
};

struct created_torrent {
  added_torrent torrent;
  std::string torrent_bytes;
};

struct browse_entry {
  std::string name;
  std::string path;
  bool directory = false;
  std::int64_t size = 0;
};

struct browse_listing {
  std::vector<std::string> roots;
  std::string path;  // empty: the roots are listed
  std::vector<browse_entry> entries;
};

class backend {
 public:
  virtual ~backend() = default;

  virtual session::session& engine() = 0;
  // The .torrent bytes into the session (errors: the parse error, an unusable folder). A torrent already
  // there is no error: `duplicate` says so. `download_dir` empty: the default one.
  virtual result<added_torrent> add(std::string_view torrent_bytes, const std::string& download_dir, bool paused) = 0;
  // A magnet URI (BEP 9): listed at once, fetching its metadata from peers (errors: the URI's, the folder's).
  virtual result<added_torrent> add_magnet(std::string_view uri, const std::string& download_dir, bool paused) = 0;
  virtual status remove(session::torrent_id id, bool delete_data) = 0;
  virtual status set_limits(session::torrent_id id, const torrent_extras& limits) = 0;
  virtual torrent_extras extras(session::torrent_id id) const = 0;
  // extras(id) of a torrent whose status the caller has just read (`now`), into `out` (its strings' room
  // reused): torrent-get reads them for thousands of torrents, one snapshot each.
  virtual void extras_into(session::torrent_id id, const session::torrent_status& now, torrent_extras& out) const = 0;

  virtual session_settings settings() const = 0;
  virtual status apply(const session_settings& s) = 0;
  // Payload over every run (session-stats' cumulative-stats), and seconds the daemon has run in all.
  virtual std::uint64_t uploaded_ever() const = 0;
  virtual std::uint64_t downloaded_ever() const = 0;

  // torrent-create: the pieces are hashed away from the caller's thread, so the RPC goes on answering; `done`
  // runs later on the caller's executor (or never, when the daemon stops first).
  using create_done = std::function<void(result<created_torrent>)>;
  virtual void create(const create_request& r, create_done done) = 0;
  virtual result<browse_listing> browse(const std::optional<std::string>& path) const = 0;

  // Users: with none, no authentication is asked (only allowed on a loopback bind).
  virtual bool auth_required() const = 0;
  virtual bool check_user(std::string_view name, std::string_view password) const = 0;
};

}  // namespace shoal::rpc
