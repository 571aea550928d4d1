#pragma once
// The composition behind run_daemon (private to src/daemon/): the io_context, the session, the HTTP server, the
// signals, the state folder, and the rpc::backend over them. Its members live in one file per idea:
// shoald.cpp (start, events, watch folder), backend_torrents.cpp (add, remove, limits, extras),
// backend_settings.cpp (session-set), backend_files.cpp (torrent-create, shoal-browse), restore.cpp (the state
// folder back at start), signals.cpp (TERM/INT stop, HUP reload), dht_state.cpp (the DHT node's dht.state).
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "shoal/daemon/daemon.hpp"
#include "shoal/daemon/resume_saver.hpp"
#include "shoal/daemon/state_store.hpp"
#include "shoal/daemon/user_db.hpp"
#include "shoal/daemon/watch_dir.hpp"
#include "shoal/metainfo/file_walk.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/rpc/backend.hpp"
#include "shoal/rpc/server.hpp"
#include "shoal/session/session.hpp"
#include "shoal/storage/hash_job.hpp"
#include "shoal/util/flat_map.hpp"
#include "shoal/util/path_pool.hpp"

namespace shoal::daemon {

inline constexpr std::uint64_t kib = 1024;

inline std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// Bytes per second for the session from the RPC's KiB/s and its "limited" switch (0 = unlimited).
inline std::uint64_t rate_of(bool limited, std::int64_t kib_per_s) {
  return limited && kib_per_s > 0 ? static_cast<std::uint64_t>(kib_per_s) * kib : 0;
}

class shoald final : public rpc::backend {
 public:
  explicit shoald(const daemon_options& opt);

  int run();

  // rpc::backend
  session::session& engine() override { return session_; }
  result<rpc::added_torrent> add(std::string_view bytes, const std::string& dir, bool paused) override;
  result<rpc::added_torrent> add_magnet(std::string_view uri, const std::string& dir, bool paused) override;
  status remove(session::torrent_id id, bool delete_data) override;
  status set_limits(session::torrent_id id, const rpc::torrent_extras& x) override;
  rpc::torrent_extras extras(session::torrent_id id) const override;
  void extras_into(session::torrent_id id, const session::torrent_status& now, rpc::torrent_extras& out) const override;
  void fill_extras(session::torrent_id id, rpc::torrent_extras& x) const;  // from the record alone
  rpc::session_settings settings() const override { return settings_; }
  status apply(const rpc::session_settings& s) override;
  std::uint64_t uploaded_ever() const override { return session_.totals().uploaded + uploaded_removed_; }
  std::uint64_t downloaded_ever() const override { return session_.totals().downloaded + downloaded_removed_; }
  void create(const rpc::create_request& r, create_done done) override;
  result<rpc::browse_listing> browse(const std::optional<std::string>& path) const override;
  // users.json is read again when it changed: a user added by `shoald user add` counts at once.
  // A public bind never answers without a user, even when the last one was removed while it runs.
  bool auth_required() const override { return !users_.empty() || !is_loopback_bind(opt_.rpc_bind); }
  bool check_user(std::string_view name, std::string_view pw) const override { return users_.verify(name, pw); }

 private:
  // A torrent-create whose pieces are being hashed.
  struct create_job {
    rpc::create_request request;
    std::filesystem::path path;
    source_tree tree;
    std::int64_t piece_length = 0;
    create_done done;
  };
  void finish_create(create_job& job, result<std::string> pieces);
  static session::session_options session_options_of(const daemon_options& opt);
  result<rpc::added_torrent> add_parsed(metainfo m, const std::filesystem::path& dir, bool paused, bool seed,
                                        std::string_view torrent_bytes);
  session::torrent_options options_for(const std::filesystem::path& dir, bool seed) const;
  // `dir` (empty: the default one) made sure of: absolute, and created when missing.
  result<std::filesystem::path> download_dir_of(const std::filesystem::path& dir) const;
  // A magnet's metadata arrived: the session wrote its .torrent, so the magnet is forgotten.
  void on_metadata(session::torrent_id id, const sha1_digest& info_hash);
  void apply_totals();
  void take_global_limits(const daemon_options& o);
  void restore();
  void restore_magnets(std::vector<stored_magnet>& magnets);
  boost::asio::awaitable<void> watch_loop();
  void on_event(const session::session_event& e);
  void on_signal(int sig);
  void on_hangup();
  void reload();
  static std::optional<dht::node_state> saved_dht_state(const std::filesystem::path& state_dir);
  boost::asio::awaitable<void> dht_save_loop();
  void save_dht(bool at_stop);

  daemon_options opt_;
  boost::asio::io_context io_;
  // torrent-create hashes here, off the io thread; cancelled at stop (joined before io_ goes).
  check_control create_control_;
  boost::asio::thread_pool create_pool_{1};
  session::session session_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set hangup_;
  std::unique_ptr<rpc::http_server> server_;
  rpc::session_settings settings_;
  // What the daemon keeps per torrent beside the session's own record; extras() builds rpc::torrent_extras from
  // it on demand. Compact: 10,000 torrents share a few folders, and their .torrent paths follow from the hash.
  struct torrent_record {
    std::shared_ptr<const std::filesystem::path> download_dir;  // interned in dirs_
    sha1_digest info_hash;
    bool has_torrent_file = false;  // in the state folder (a magnet's: once its metadata was saved)
    bool download_limited = false, upload_limited = false;
    std::int64_t added_date = 0, done_date = 0, start_date = 0;
    std::int64_t download_limit = 100, upload_limit = 100;  // KiB/s, as torrent-set gave them
    std::int64_t peer_limit = 50;
  };
  torrent_record& record_for(session::torrent_id id, const std::filesystem::path& dir, const sha1_digest& info_hash);
  flat_map<session::torrent_id, torrent_record> extras_;
  path_pool dirs_;
  std::uint64_t uploaded_removed_ = 0, downloaded_removed_ = 0;  // of torrents removed this run
  mutable user_db users_;
  state_store store_;
  std::unique_ptr<resume_saver> saver_;
  std::unique_ptr<watch_dir> watch_;
  boost::asio::steady_timer watch_timer_;
  boost::asio::steady_timer dht_timer_;  // dht.state every few minutes
  bool stopping_ = false;
};

}  // namespace shoal::daemon
