#pragma once
// One torrent in a session: owns its storage, piece picker, peer connections and tracker announces, and moves
// through its lifecycle (torrent_state.hpp) as the session's verify queue and the caller's commands drive it.
// Everything runs on the session's executor; only SHA-1 checks and the data check run on worker threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/swarm/ban_list.hpp"
#include "shoal/swarm/choker.hpp"
#include "shoal/peer/connection_events.hpp"
#include "shoal/peer/handshake_io.hpp"
#include "shoal/swarm/piece_picker.hpp"
#include "shoal/swarm/rate_limiter.hpp"
#include "shoal/swarm/super_seeder.hpp"
#include "shoal/session/torrent_details.hpp"
#include "shoal/session/torrent_state.hpp"
#include "shoal/session/torrent_status.hpp"
#include "shoal/storage/arrival_hash.hpp"
#include "shoal/storage/piece_buffers.hpp"
#include "shoal/storage/resume_data.hpp"
#include "shoal/storage/storage.hpp"
#include "shoal/addr/peer_address.hpp"
#include "shoal/util/path_pool.hpp"
#include "shoal/util/result.hpp"
#include "shoal/wire/ext/pex_state.hpp"
#include "shoal/wire/frame_decoder.hpp"
#include "shoal/wire/message.hpp"

namespace shoal {
class announcer;
struct magnet_link;
}

namespace shoal::wire::ext {
class metadata_assembler;
}

namespace shoal::peer {
class peer_connection;
}

namespace shoal::session {

struct gathered_queue;  // torrent_transfer_state.hpp

// What a torrent keeps of its options for its whole life (torrent_options adds what it takes over at creation).
struct torrent_settings {
  bool seed_only = false;      // seed: the data must be complete, never written
  bool keep_seeding = false;   // leech --seed: go on serving after completion
  bool super_seed = false;     // seed: reveal pieces a few at a time (BEP 16)
  double seed_ratio = 0;       // stop seeding once uploaded >= ratio x size; 0 = never
  std::size_t max_peers = 50;
  std::size_t upload_slots = 8;
  std::uint64_t upload_rate_limit = 0;  // bytes/s for the whole torrent, 0 = unlimited
  std::uint64_t download_rate_limit = 0;  // bytes/s for the whole torrent, 0 = unlimited
  std::chrono::seconds timeout{300};    // leech: no verified piece for this long -> give up
  int max_piece_failures = 5;
  int hash_threads = 2;
  bool overwrite = false;    // leech --overwrite: files in root Shoal did not create may be replaced
  bool preallocate = false;  // leech: fallocate the files before downloading (--sparse: not)
  std::vector<peer_address> peers;  // --peer: connected to directly
  std::filesystem::path save_torrent;  // a magnet link: the .torrent learned goes here (--save-torrent)
  friend bool operator==(const torrent_settings&, const torrent_settings&) = default;
};

// The session's torrents share one copy of equal settings (a daemon adds thousands with the same ones; 136 bytes
// each otherwise). One entry is enough: torrents are added in runs with the same settings.
class settings_pool {
 public:
  std::shared_ptr<const torrent_settings> intern(torrent_settings s) {
    if (!last_ || !(*last_ == s)) last_ = std::make_shared<const torrent_settings>(std::move(s));
    return last_;
  }

 private:
  std::shared_ptr<const torrent_settings> last_;
};

struct torrent_options : torrent_settings {
  std::filesystem::path root;  // folder holding <name> (the file, or the multi-file folder)
  // What an earlier run saved (the daemon): its pieces are trusted without hashing when every file still has the
  // size and time it had then (else a full check); its counters and dates carry on (torrent_resume.cpp).
  std::optional<resume_data> resume;
};

// Connections over every torrent of the process (--max-peers-total).
struct peer_budget {
  std::size_t limit = 0;  // 0 = unlimited
  std::size_t used = 0;
  bool full(std::size_t pending = 0) const { return limit != 0 && used + pending >= limit; }
};

// The limits a caller may change at runtime (session::set_limits); 0 = unlimited.
struct torrent_limits {
  std::optional<std::uint64_t> download_rate;  // bytes/s
  std::optional<std::uint64_t> upload_rate;
  std::optional<std::size_t> max_peers;
};

// What the torrent needs from its session.
struct session_link {
  boost::asio::any_io_executor executor;
  boost::asio::thread_pool* hash_pool = nullptr;
  std::array<std::uint8_t, 20> peer_id{};
  std::uint16_t listen_port = 0;
  swarm::rate_limiter* download_total = nullptr;  // process-wide download bucket, null: unlimited
  swarm::rate_limiter* upload_total = nullptr;    // process-wide upload bucket, null: unlimited
  peer_budget* peers_total = nullptr;            // process-wide connection count, null: unlimited
  std::function<void(session_event)> emit;       // to the session's subscribers
  std::function<void(torrent_id)> request_check;  // the torrent entered queued_for_check: the verify queue takes it
  // BEP 5: the UDP port of the session's DHT node (0: it runs none), and a node a peer's port message named (the
  // session's node pings it and adds it when it answers). Null: no DHT.
  std::function<std::uint16_t()> dht_port;
  std::function<void(const peer_address&)> dht_add_node;
  // BEP 27: a magnet's metadata said private; the session stops looking it up on the DHT.
  std::function<void(torrent_id)> became_private;
  // The session's folders: a torrent's root is one shared copy (null: a copy of its own); the same for settings.
  path_pool* roots = nullptr;
  settings_pool* settings = nullptr;
};

// Where a candidate peer was learned (a bit each: one address may come from several).
enum peer_source : std::uint8_t {
  from_tracker = 1,
  from_given = 2,  // --peer, x.pe, torrent_options::peers
  from_dht = 4,
  from_pex = 8,
};

class torrent : public std::enable_shared_from_this<torrent>, public peer::connection_events {
 public:
  // A torrent waiting for the verify queue (or paused, when `paused`); nothing is opened or checked yet.
  // `link` is shared by every torrent of the session (one copy, not one per torrent).
  static std::shared_ptr<torrent> create(torrent_id id, metainfo m, torrent_options opt,
                                         std::shared_ptr<const session_link> link, bool paused);
  // A magnet link (BEP 9): fetching_metadata (or paused) until the info dictionary arrives from peers; then
  // queued_for_check and on as for a .torrent. Its trackers and x.pe peers are used from the start.
  static std::shared_ptr<torrent> create_magnet(torrent_id id, const magnet_link& link, torrent_options opt,
                                                std::shared_ptr<const session_link> session, bool paused);
  ~torrent();

  torrent_id id() const { return id_; }
  const metainfo& info() const { return *meta_; }
  const sha1_digest& info_hash() const { return meta_->info_hash; }
  // The folder holding the data (torrent_options::root, shared with the other torrents under it).
  const std::filesystem::path& root() const { return *root_; }
  torrent_state state() const { return lifecycle_.state(); }
  // Nothing left to do: an error, complete without seeding on, or done seeding (--seed-ratio reached).
  bool finished() const;
  const std::string& failure() const { return lifecycle_.error(); }
  torrent_status status() const;
  torrent_details details(detail_parts parts = {}) const;  // torrent_inspect.cpp

  // The verify queue's side: runs the check on `pool` (open the files, hash what is there) and calls `done` on
  // the executor when it is over (whatever the outcome, also when cancelled by pause, verify or remove).
  void run_check(boost::asio::thread_pool& pool, std::function<void()> done);
  // Runtime control (the session's commands). Each is a no-op where the state makes it one.
  void pause();
  void resume();
  void verify();
  void reannounce();
  void set_limits(const torrent_limits& l);
  // The final stop: closes every connection and announces stopped, giving up at `deadline`. An announce in
  // flight (`completed`, just sent) is awaited first, or abandoned when `hurry` (interrupted: the user waits).
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::time_point deadline, bool hurry);
  // Its two halves: everything stops at once (nothing more is read, written or sent) ...
  void stop_now();
  // ... and `stopped` to the trackers that had `started` (and did not refuse), within `deadline`.
  boost::asio::awaitable<void> announce_stopped(std::chrono::steady_clock::time_point deadline, bool hurry);
  // After shutdown: deletes the files this torrent names under its root (not the folder's other files).
  shoal::status delete_data();
  // Incoming connections: true while the torrent will take them, false when it never will again. Those that
  // arrive while it checks wait (ready_for_peers()) instead of being closed.
  bool accepts_peers() const;
  bool ready_for_peers() const { return active(); }
  // A connection whose handshake named this torrent (incoming) or that we opened (outgoing).
  // `outgoing`: we dialled it. A second connection to the same peer id is resolved here.
  // `bits`: what its handshake said it speaks (BEP 10: our extended handshake follows at once; BEP 5: our port
  // message, when we set the bit too).
  void attach(boost::asio::ip::tcp::socket socket, std::string name, const std::array<std::uint8_t, 20>& peer_id,
              bool outgoing, peer::handshake_bits bits = {});
  // Peers the DHT found (torrent_dht.cpp): candidates like a tracker's (none for a private torrent).
  void add_dht_peers(const std::vector<peer_address>& peers);
  // BEP 5 (torrent_dht.cpp): the DHT port our handshake's bit and port message give this torrent's peers; 0: no
  // bit (the session runs no DHT node, or the torrent is private).
  std::uint16_t dht_port() const;
  bool is_private() const { return meta_->is_private; }
  // Once a second: rates for the status, batched piece events, stats events.
  void flush_events(bool with_stats);
  // The session's one ticker, once a second for every torrent: an active torrent's periodic work runs when due.
  // One ticker for all, not a timer each: 10,000 pending waits cost ~0.8 KiB a torrent in a daemon.
  void on_session_tick(std::chrono::steady_clock::time_point now);

  // Fast resume (torrent_resume.cpp). Once, right after creation: takes over opt.resume's counters and dates,
  // and its pieces when the files' stamps match (queued -> downloading or seeding, or paused with the data
  // known). False: no resume, or the files changed (the verify queue checks the data in full).
  bool start_from_resume();
  // What to save now. Pieces and stamps only while the data is known (checked or trusted); else no pieces and
  // stamps of missing files, which match only when there is no data to trust anyway.
  resume_data resume_now() const;
  torrent_history history() const;

  // connection_events: what connections call.
  const wire::wire_limits& limits() const override { return limits_; }
  void on_message(peer::peer_connection& c, const wire::message& m) override;
  void on_closed(peer::peer_connection& c, std::string_view why) override;
  shoal::status read_block(const block_ref& b, std::span<std::byte> out) override;
  void on_uploaded(peer::peer_connection& c, std::span<const block_ref> blocks, std::uint64_t bytes) override;
  // The torrent's download bucket (the connections' readers pace on it); null when unlimited.
  swarm::rate_limiter* download_limiter() override;
  // The torrent's upload bucket (the connections' writers take tokens per block); null when unlimited.
  swarm::rate_limiter* upload_limiter() override;

 private:
  // Only create() and create_magnet() can name it: the constructor is public for std::make_shared alone (one
  // allocation with the count, not two).
  struct made_here {
    explicit made_here() = default;
  };

 public:
  torrent(made_here, torrent_id id, metainfo m, torrent_options opt, std::shared_ptr<const session_link> link,
          bool paused);

 private:
  struct check_job;
  // Lifecycle. Fetching the metadata is active too: connections, announces and the ticker run.
  bool fetching_metadata() const { return lifecycle_.state() == torrent_state::fetching_metadata; }
  bool active() const { return (lifecycle_.active() || fetching_metadata()) && !stopping_; }
  bool running() const { return active() && lifecycle_.state() == torrent_state::downloading; }
  bool complete_data() const { return have_.all(); }
  int have_count() const { return static_cast<int>(have_.count()); }
  std::int64_t bytes_left() const;  // of the pieces not verified yet
  // Made from have_ at its first use (the first peer's bitfield or request): a torrent nobody exchanges pieces
  // with has none (200 bytes and three allocations each; a daemon holds thousands). Dropped when the pieces are
  // counted anew (a check, a magnet's metadata).
  swarm::piece_picker& picker();
  bool idle_seed() const { return complete_data() && peers_.empty() && connecting_ == 0; }
  session_event event(session_event::kind k) const;
  void change_state(torrent_state from);  // emits state_changed (and what follows from the new state)
  void on_checked(std::shared_ptr<check_job> job, std::function<void()> done);
  void install_check(std::optional<storage> st, const bitfield& have);
  void activate();
  void deactivate(std::string_view why);
  // Partial pieces, and pieces whose verdict is still on its way, are let go: the picker is made again from the
  // verified pieces, so each of them is fetched again (a verdict dropped for a changed generation would otherwise
  // leave its piece "all blocks received" for good).
  void drop_partial_pieces();
  // With no peer a torrent holds no storage: no data file or folder open, none of its memory (a daemon's
  // thousands of idle torrents; one limit of files). The first peer opens it again (open_storage).
  void close_files() { storage_.reset(); }
  bool open_storage();
  void cancel_check();
  void queue_check();
  // Messages.
  void on_bitfield(peer::peer_connection& c, std::string_view bytes);
  void set_peer_has(peer::peer_connection& c, bitfield has);
  void on_have(peer::peer_connection& c, std::uint32_t piece);
  void on_piece(peer::peer_connection& c, const wire::message& m);
  void on_request(peer::peer_connection& c, const wire::message& m);
  // BEP 6 (torrent_fast.cpp): what we send a new fast peer, and its have all/none, reject, suggest, allowed fast.
  void greet_fast(peer::peer_connection& c);
  void on_fast_message(peer::peer_connection& c, const wire::message& m);
  bool fill_fast_requests(peer::peer_connection& c);
  void update_interest(peer::peer_connection& c);
  bool close_if_both_complete(peer::peer_connection& c);
  void fill_requests(peer::peer_connection& c);
  void return_requests(peer::peer_connection& c);
  void cancel_elsewhere(const peer::peer_connection& except, const block_ref& b);
  // BEP 10 and BEP 9 (torrent_extensions.cpp): the extended handshake, serving the metadata, fetching it.
  void send_extended_handshake(peer::peer_connection& c);
  void on_extended(peer::peer_connection& c, const wire::message& m);
  void describe_announces(tracker_details& td) const;  // torrent_inspect.cpp
  void add_peer_details(torrent_details& d) const;
  void add_tracker_details(torrent_details& d) const;
  void on_ut_metadata(peer::peer_connection& c, std::string_view payload);
  void serve_metadata(peer::peer_connection& c, std::uint32_t piece);
  void request_metadata(peer::peer_connection& c);
  void metadata_tick(std::chrono::steady_clock::time_point now);
  void install_metadata();
  void save_learned_torrent(const std::string& torrent_file);
  void turn_private();
  // x.pe HOST:PORT with a host name: looked up in the background, its addresses become candidates.
  void resolve_peer_hosts(const std::vector<std::string>& hosts);
  static boost::asio::awaitable<void> resolve_peer_host(std::weak_ptr<torrent> weak, boost::asio::any_io_executor ex,
                                                        std::string host_port);
  // BEP 5 (torrent_dht.cpp): a peer's port message.
  void on_dht_port(peer::peer_connection& c, std::uint16_t port);
  // BEP 11 (torrent_pex.cpp): what neighbours are told, and the candidates they name.
  bool pex_allowed() const;
  std::optional<peer_address> listen_address_of(const peer::peer_connection& c) const;
  void pex_start(peer::peer_connection& c);
  void pex_tick(std::chrono::steady_clock::time_point now);
  void on_ut_pex(peer::peer_connection& c, std::string_view payload);
  void note_own_address(const std::optional<peer_address>& local);
  // Seeding policy: super-seeding offers, and leaving once --seed-ratio is reached.
  bool super_seeding() const { return super_seeder_ != nullptr; }
  void super_seed_refill(peer::peer_connection& c);
  void super_seed_tick(std::chrono::steady_clock::time_point now);
  void check_seed_ratio();
  void finish_seeding();
  boost::asio::awaitable<void> leave_after_drain();
  // Choking (slots for interested peers; rate-based rounds come with the choker).
  void unchoke_more();
  void run_choker(std::chrono::steady_clock::time_point now);
  // Verification.
  bool store_block(const block_ref& b, std::span<const std::byte> data);
  void verify_piece(int piece);
  void verify_gathered(int piece, piece_buffers::buffer data);
  static void hash_gathered(const std::shared_ptr<torrent>& self, const std::shared_ptr<gathered_queue>& q);
  void on_verified(int piece, bool good, std::string error);
  void complete();
  // Bad peers: who sent which block, verdicts on hash checks, re-requesting a failed piece from one peer.
  void record_block(const peer::peer_connection& c, const block_ref& b);
  void judge_failed(int piece);
  void judge_passed(int piece);
  void apply_bans(const std::vector<std::string>& banned);
  void retry_from_one_peer(int piece);
  std::vector<std::uint64_t> block_digests(int piece);
  bool banned(std::string_view name) const;
  bool all_banned() const;
  // Into state error. `log`: false when the caller reports the reason itself (a check's verdict).
  void fail(std::string why, bool log = true);
  // Periodic work: rates, timeouts, keep-alives, new connections, progress. The session's ticker comes each
  // second; due a little under the period, each of its visits finds the torrent due.
  static constexpr std::chrono::milliseconds tick_period{900}, idle_tick_period{4900};
  void tick();
  void connect_more();
  bool may_dial() const;
  bool connected_to_host(const peer_address& a) const;
  boost::asio::awaitable<void> connect(peer_address addr, std::uint64_t generation);
  void add_candidates(const std::vector<peer_address>& peers, peer_source source);
  bool keep_existing_duplicate(const std::array<std::uint8_t, 20>& peer_id, bool outgoing);
  void report_complete();
  bool nobody_can_help() const;
  void report_refusals();
  void report_stats(bool at_exit);
  // Trackers.
  boost::asio::awaitable<void> announce_loop(std::uint64_t generation);
  boost::asio::awaitable<bool> announce_once(int event, std::chrono::milliseconds timeout);

  struct candidate {
    peer_address addr;
    std::uint8_t sources = 0;  // peer_source bits
    bool connected = false;
    bool complete = false;  // closed because both sides had everything: a complete torrent does not redial it
    int failures = 0;
    std::chrono::steady_clock::time_point next_try{};
  };

  torrent_id id_;
  // Shared with the storage (and replaced whole when a magnet's metadata arrives).
  std::shared_ptr<const metainfo> meta_;
  // Its options, shared with the session's other torrents that have the same (settings_pool; set_limits copies
  // before changing); the root is interned in root_, and the resume data is held only until start_from_resume (an
  // empty optional<resume_data> is 200 bytes, times 10,000 torrents in a daemon).
  std::shared_ptr<const torrent_settings> opt_;
  std::unique_ptr<resume_data> resume_;
  std::shared_ptr<const session_link> link_;  // the session's, shared
  std::shared_ptr<const std::filesystem::path> root_;  // interned in link_->roots
  torrent_lifecycle lifecycle_;
  std::uint64_t generation_ = 0;  // +1 on every activate and deactivate: loops and hash results of an older one end
  std::shared_ptr<check_job> check_;  // the check in progress, if any
  std::shared_ptr<storage> storage_;  // opened by the first check, then while the torrent has peers
  std::unique_ptr<swarm::piece_picker> picker_;
  bitfield have_;
  wire::wire_limits limits_;
  std::vector<std::shared_ptr<peer::peer_connection>> peers_;
  // The peers we may dial, by "host:port" (in transfer_state: most of a daemon's torrents have none).
  using candidate_map = std::map<std::string, candidate>;
  const candidate_map& candidates() const;
  std::uint32_t connecting_ = 0;
  bool ticking_ = false;  // between activate() and deactivate(): on_session_tick() runs tick() when due
  bool data_opened_ = false;  // the first check (or trusted resume data) opened the files: a check is a re-check
  bool stopping_ = false;  // shut down for good (session stop or remove)
  bool tracker_started_ = false;  // `started` went out and no `stopped` since
  bool announcing_ = false;
  bool completed_event_pending_ = false;
  bool seeding_done_ = false;  // --seed-ratio reached: serving nobody, leaving
  bool left_ = false;          // ... and the last replies had time to go
  // When tick() is due: a second after the last, or 5 s for a complete torrent with no peer (a peer arriving
  // brings it forward).
  std::chrono::steady_clock::time_point next_tick_{};
  // Who sent what, strikes and bans (torrent_bans.cpp): made at the first block received (232 bytes a torrent
  // that never downloads does without).
  std::unique_ptr<swarm::ban_list> bans_;
  std::unique_ptr<swarm::super_seeder> super_seeder_;  // --super-seed only
  // The choker, the pieces in flight, the PEX neighbours (torrent_transfer_state.hpp): made at the first use.
  struct transfer_state;
  std::unique_ptr<transfer_state> transfer_;
  transfer_state& transfer();
  std::unique_ptr<announcer> announcer_;
  std::unique_ptr<boost::asio::steady_timer> announce_timer_;  // with an announcer only

  std::uint64_t download_rate_ = 0, upload_rate_ = 0;  // the torrent's own limits (set_limits may change them)
  std::int64_t next_announce_at_ = 0;  // unix seconds the announce loop waits for; 0 while it does not wait
  int resumed_pieces_ = 0;
  int downloaded_pieces_ = 0;
  std::uint32_t peers_seen_ = 0;
  std::uint32_t bans_count_ = 0;
  std::uint32_t hash_failures_ = 0;
  std::uint32_t refusals_reported_ = 0;
  std::uint64_t stats_mark_ = 0;  // uploaded_ at the last stats line
  std::uint64_t uploaded_ = 0, downloaded_ = 0;
  std::chrono::steady_clock::time_point started_at_, last_progress_;
  // What the last stats event showed (its counters mixed into 64 bits by torrent.cpp's stats_fingerprint: 8
  // bytes where the five counters took 40): an unchanged, idle torrent is not reported again until a heartbeat.
  std::uint64_t last_stats_ = 0;
  std::chrono::steady_clock::time_point last_stats_at_{};
  boost::asio::steady_timer* announce_deadline_ = nullptr;  // the announce in flight's, to abandon it at shutdown
  // A magnet link before its metadata: the pieces fetched so far (null once installed, and for a .torrent).
  std::unique_ptr<wire::ext::metadata_assembler> metadata_;
  // Over every run (torrent_resume.cpp): earlier runs' counters, and the dates.
  std::uint64_t uploaded_before_ = 0, downloaded_before_ = 0;
  std::int64_t added_at_ = 0;
  mutable std::int64_t completed_at_ = 0;  // noted the first time the complete data is looked at
};

}  // namespace shoal::session
