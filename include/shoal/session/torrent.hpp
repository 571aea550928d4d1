#pragma once
// One torrent in a running session: owns its storage, piece picker, peer connections and tracker announces.
// Everything runs on the session's single io_context thread; only SHA-1 checks run on the hashing pool.
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

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/peer/ban_list.hpp"
#include "shoal/peer/choker.hpp"
#include "shoal/peer/piece_picker.hpp"
#include "shoal/peer/rate_limiter.hpp"
#include "shoal/peer/super_seeder.hpp"
#include "shoal/storage/arrival_hash.hpp"
#include "shoal/storage/storage.hpp"
#include "shoal/ui/rate_window.hpp"
#include "shoal/ui/status_line.hpp"
#include "shoal/tracker/protocol/peer_address.hpp"
#include "shoal/util/result.hpp"
#include "shoal/wire/frame_decoder.hpp"
#include "shoal/wire/message.hpp"

namespace shoal {
class announcer;
}

namespace shoal::peer {
class peer_connection;
}

namespace shoal::session {

struct torrent_options {
  std::filesystem::path root;  // folder holding <name> (the file, or the multi-file folder)
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
  bool progress_bar = false;            // the data check: a redrawn bar (terminal); otherwise plain lines
  bool overwrite = false;    // leech --overwrite: files in root Shoal did not create may be replaced
  bool preallocate = false;  // leech: fallocate the files before downloading (--sparse: not)
  std::vector<peer_address> peers;  // --peer: connected to directly
};

// Connections over every torrent of the process (--max-peers-total).
struct peer_budget {
  std::size_t limit = 0;  // 0 = unlimited
  std::size_t used = 0;
  bool full(std::size_t pending = 0) const { return limit != 0 && used + pending >= limit; }
};

// What the torrent needs from its session.
struct session_link {
  boost::asio::io_context* io = nullptr;
  boost::asio::thread_pool* hash_pool = nullptr;
  std::array<std::uint8_t, 20> peer_id{};
  std::uint16_t listen_port = 0;
  peer::rate_limiter* download_total = nullptr;  // process-wide download bucket, null: unlimited
  peer::rate_limiter* upload_total = nullptr;    // process-wide upload bucket, null: unlimited
  peer_budget* peers_total = nullptr;            // process-wide connection count, null: unlimited
  std::function<void()> on_finished;  // the torrent completed (and does not seed on) or failed
};

class torrent : public std::enable_shared_from_this<torrent> {
 public:
  enum class outcome { running, complete, failed };

  // Opens the storage and checks what is on disk (with progress). A seed refuses incomplete data with the
  // missing file or the first bad piece named.
  static result<std::shared_ptr<torrent>> open(metainfo m, torrent_options opt, session_link link);
  ~torrent();

  const metainfo& info() const { return meta_; }
  const sha1_digest& info_hash() const { return meta_.info_hash; }
  outcome state() const { return outcome_; }
  // Nothing left to do: failed, complete without seeding on, or done seeding (--seed-ratio reached).
  bool finished() const {
    return outcome_ == outcome::failed || left_ ||
           (outcome_ == outcome::complete && !opt_.keep_seeding && !opt_.seed_only);
  }
  const std::string& failure() const { return failure_; }

  void start();
  // Closes every connection and announces stopped, giving up at `deadline`. An announce in flight (`completed`,
  // just sent) is awaited first, or abandoned when `hurry` (interrupted: the user waits).
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::time_point deadline, bool hurry);
  // What the progress display shows: bytes, rates over the last seconds, peers.
  ui::transfer_status snapshot() const;
  // A connection whose handshake named this torrent (incoming) or that we opened (outgoing).
  // `outgoing`: we dialled it. A second connection to the same peer id is resolved here.
  void attach(boost::asio::ip::tcp::socket socket, std::string name, const std::array<std::uint8_t, 20>& peer_id,
              bool outgoing);

  // Called by connections.
  const wire::wire_limits& limits() const { return limits_; }
  void on_message(peer::peer_connection& c, const wire::message& m);
  void on_disconnect(peer::peer_connection& c, std::string_view why);
  status read_block(const peer::block_ref& b, std::span<std::byte> out);
  // Blocks (payload bytes in all) a connection has just handed to the kernel.
  void on_uploaded(peer::peer_connection& c, std::span<const peer::block_ref> blocks, std::uint64_t bytes);
  bool stopping() const { return stopping_; }
  bool seeding_only() const { return opt_.seed_only; }
  // The torrent's download bucket (the connections' readers pace on it); null when unlimited.
  peer::rate_limiter* download_limiter() {
    return opt_.download_rate_limit != 0 || link_.download_total != nullptr ? &download_limit_ : nullptr;
  }
  // The torrent's upload bucket (the connections' writers take tokens per block); null when unlimited.
  peer::rate_limiter* upload_limiter() {
    return opt_.upload_rate_limit != 0 || link_.upload_total != nullptr ? &upload_limit_ : nullptr;
  }

 private:
  torrent(metainfo m, torrent_options opt, session_link link, storage st);
  // Messages.
  void on_bitfield(peer::peer_connection& c, std::string_view bytes);
  void on_have(peer::peer_connection& c, std::uint32_t piece);
  void on_piece(peer::peer_connection& c, const wire::message& m);
  void on_request(peer::peer_connection& c, const wire::message& m);
  void update_interest(peer::peer_connection& c);
  bool close_if_both_complete(peer::peer_connection& c);
  void fill_requests(peer::peer_connection& c);
  void return_requests(peer::peer_connection& c);
  void cancel_elsewhere(const peer::peer_connection& except, const peer::block_ref& b);
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
  void verify(int piece);
  void on_verified(int piece, bool good, std::string error);
  void complete();
  // Bad peers: who sent which block, verdicts on hash checks, re-requesting a failed piece from one peer.
  void record_block(const peer::peer_connection& c, const peer::block_ref& b);
  void judge_failed(int piece);
  void judge_passed(int piece);
  void apply_bans(const std::vector<std::string>& banned);
  void retry_from_one_peer(int piece);
  std::vector<std::uint64_t> block_digests(int piece);
  bool banned(std::string_view name) const;
  bool all_banned() const;
  void fail(std::string why);
  // Periodic work: rates, timeouts, keep-alives, new connections, progress.
  boost::asio::awaitable<void> ticker();
  void tick();
  void connect_more();
  bool may_dial() const;
  bool connected_to_host(const peer_address& a) const;
  boost::asio::awaitable<void> connect(peer_address addr);
  void add_candidates(const std::vector<peer_address>& peers);
  bool keep_existing_duplicate(const std::array<std::uint8_t, 20>& peer_id, bool outgoing);
  void report_complete();
  bool nobody_can_help() const;
  void report_refusals();
  void report_stats(bool at_exit);
  // Trackers.
  boost::asio::awaitable<void> announce_loop();
  boost::asio::awaitable<bool> announce_once(int event, std::chrono::milliseconds timeout);

  struct candidate {
    peer_address addr;
    bool connected = false;
    bool complete = false;  // closed because both sides had everything: a complete torrent does not redial it
    int failures = 0;
    std::chrono::steady_clock::time_point next_try{};
  };

  metainfo meta_;
  torrent_options opt_;
  session_link link_;
  std::shared_ptr<storage> storage_;
  peer::piece_picker picker_;
  bitfield have_;
  wire::wire_limits limits_;
  std::vector<std::shared_ptr<peer::peer_connection>> peers_;
  std::map<std::string, candidate> candidates_;  // by "host:port"
  std::size_t connecting_ = 0;
  std::vector<int> failures_;  // hash failures per piece
  std::vector<std::uint8_t> retried_;  // per piece: failed before, so its passing digests settle the verdict
  peer::ban_list bans_;
  peer::choker choker_;
  std::unique_ptr<peer::super_seeder> super_seeder_;  // --super-seed only
  peer::rate_limiter download_limit_;
  peer::rate_limiter upload_limit_;
  std::vector<peer::choke_candidate> choke_candidates_;  // reused every round
  std::vector<peer::block_ref> scratch_;
  // Hash on arrival (torrent_verify.cpp): pieces being downloaded, their in-order prefix already hashed.
  std::unordered_map<int, arrival_hash> arriving_;
  std::unique_ptr<announcer> announcer_;
  boost::asio::steady_timer tick_timer_, announce_timer_;

  outcome outcome_ = outcome::running;
  std::string failure_;
  bool stopping_ = false;
  bool announcing_ = false;
  bool completed_event_pending_ = false;
  bool seeding_done_ = false;  // --seed-ratio reached: serving nobody, leaving
  bool left_ = false;          // ... and the last replies had time to go
  int resumed_pieces_ = 0;
  int downloaded_pieces_ = 0;
  std::size_t peers_seen_ = 0;
  std::size_t bans_count_ = 0;
  std::size_t hash_failures_ = 0;
  std::uint64_t stats_mark_ = 0;  // uploaded_ at the last stats line
  std::uint64_t uploaded_ = 0, downloaded_ = 0;
  std::chrono::steady_clock::time_point started_at_, last_progress_;
  ui::rate_window download_window_, upload_window_;
  boost::asio::steady_timer* announce_deadline_ = nullptr;  // the announce in flight's, to abandon it at shutdown
  std::size_t refusals_reported_ = 0;
};

}  // namespace shoal::session
