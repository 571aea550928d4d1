#pragma once
// The tracker's decisions, without any transport: a decoded announce or scrape and the
// asker's address in; a refusal, or counts, peers and intervals out. The HTTP and UDP
// front ends only decode requests and encode what this returns, so both treat a swarm
// alike. Each call checks first (lists, numwant), then asks the store, then fills the
// result: the store call is the one step that may wait on a remote store, so every call
// completes through a callback, and a store that fails turns into a refusal.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "shoal/tracker/protocol/announce_request.hpp"
#include "shoal/tracker/server/info_hash_list.hpp"
#include "shoal/tracker/server/async_swarm_store.hpp"

namespace shoal::tracker {

struct tracker_config {
  std::int64_t interval = 1800;
  std::int64_t min_interval = 900;
  int default_numwant = 50;
  int max_numwant = 200;
  bool allow_ip_param = false;
  bool full_scrape = true;
};

enum class list_mode { none, whitelist, blacklist };

// Where a request came from (the source address of its connection or datagram).
struct peer_origin {
  ip_bytes ip{};
  bool v6 = false;
};

// Buffers one connection or socket reuses from request to request.
struct request_scratch {
  std::vector<swarm_peer> peers;
  std::vector<sha1_digest> hashes;
  std::vector<scrape_file> files;
};

// The refusal a client gets while the store cannot be reached (Redis down): a plain
// failure reason (HTTP) or error packet (UDP), at once, so clients retry later.
inline constexpr std::string_view store_unavailable_reason =
    "tracker storage temporarily unavailable; try again later";

struct announce_outcome {
  std::string_view refusal;  // non-empty: refused (or the store failed); nothing recorded
  announce_response_head head;  // intervals and the torrent's counts after the announce
};

// What the tracker counts for /stats and /metrics; front ends add their own kinds.
enum class tracker_count : std::size_t {
  announces,      // announces that reached the logic, over any transport
  scrapes,        // scrape requests, over any transport
  udp_connects,   // BEP 15 connect requests answered
  udp_announces,  // of `announces`, those over UDP
  udp_scrapes,    // of `scrapes`, those over UDP
  udp_errors,     // UDP requests answered with an error packet (bad id, malformed, refused)
  kinds_
};

class tracker_counters {
 public:
  void add(tracker_count c) { at(c).fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t get(tracker_count c) const { return at(c).load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t>& at(tracker_count c) { return v_[static_cast<std::size_t>(c)]; }
  const std::atomic<std::uint64_t>& at(tracker_count c) const {
    return v_[static_cast<std::size_t>(c)];
  }
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(tracker_count::kinds_)> v_{};
};

class tracker_logic {
 public:
  using announce_done = std::function<void(const announce_outcome&)>;
  using scrape_done = std::function<void(std::string_view refusal)>;
  using totals_done = std::function<void(const store_status&, const store_totals&)>;

  // `clock_origin` is the store's time at the tracker's second 0: a store shared by
  // several processes needs one clock (the server uses Unix seconds at start).
  tracker_logic(tracker_config config, async_swarm_store& store, std::uint32_t clock_origin = 0);

  // Thread-safe. Records the announce of `q` from `from` (or from its ip parameter when
  // the config believes it) and fills `peers` with at most the clamped numwant others,
  // then calls `done`, maybe before returning, maybe later on another thread. `q`'s views
  // are read before any wait; `peers` must live until `done`. `now` is seconds since the
  // tracker started.
  void announce(const announce_request& q, const peer_origin& from, std::uint32_t now,
                std::vector<swarm_peer>& peers, announce_done done);
  // Counts of each of `hashes` into `files` (cleared first); none means a full scrape.
  // `done` gets the refusal, empty when answered; `hashes` and `files` must live until then.
  void scrape(std::span<const sha1_digest> hashes, std::vector<scrape_file>& files,
              scrape_done done);

  // Replaces the whitelist/blacklist (SIGHUP reload); a null list with list_mode::none
  // turns filtering off.
  void set_filter(std::shared_ptr<const info_hash_list> list, list_mode mode);

  void totals(totals_done done) { store_.totals(std::move(done)); }
  // The store's time for the tracker's second `now`.
  std::uint32_t store_time(std::uint32_t now) const { return clock_origin_ + now; }
  async_swarm_store& store() { return store_; }
  tracker_counters& counters() { return counters_; }
  const tracker_counters& counters() const { return counters_; }
  std::uint64_t announces() const { return counters_.get(tracker_count::announces); }
  std::uint64_t scrapes() const { return counters_.get(tracker_count::scrapes); }
  const tracker_config& config() const { return config_; }

 private:
  // Empty when allowed, else the failure reason.
  std::string_view refusal(const sha1_digest& h) const;

  tracker_config config_;
  async_swarm_store& store_;
  std::uint32_t clock_origin_;
  std::atomic<std::shared_ptr<const info_hash_list>> list_;
  std::atomic<list_mode> mode_{list_mode::none};
  tracker_counters counters_;
};

}  // namespace shoal::tracker
