#pragma once
// The store as the tracker logic sees it: asynchronous and able to fail, so the same
// logic runs over the in-memory store (which completes at once) and over a shared store
// reached through the network (Redis), where a call may take a round trip or fail.
//
// Every call completes exactly once through its `done` callback, possibly before the
// call returns (the in-memory store) or later on another thread (a network store): the
// caller hands the result back to its own executor. Output buffers passed by reference
// must stay alive, untouched, until `done` runs. Times are whole seconds on one clock
// shared by every process using the store (the server uses Unix time).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker {

enum class store_errc : std::uint8_t {
  ok = 0,
  unavailable,  // not connected, reconnecting, or no reply in time: try again later
  bad_reply,    // the store answered something this tracker does not understand
};

struct store_status {
  store_errc code = store_errc::ok;
  std::string message;  // what failed and where ("redis 127.0.0.1:6379: connection refused")

  bool ok() const { return code == store_errc::ok; }
  explicit operator bool() const { return ok(); }
};

class async_swarm_store {
 public:
  using announce_done = std::function<void(const store_status&, const swarm_counts&)>;
  using fill_done = std::function<void(const store_status&)>;
  using expire_done = std::function<void(const store_status&, std::size_t removed)>;
  using totals_done = std::function<void(const store_status&, const store_totals&)>;
  using key_done = std::function<void(const store_status&, const std::string& key)>;

  virtual ~async_swarm_store() = default;

  // As swarm_store::announce: records the announce and fills `out` with at most `want`
  // other peers (never the announcer; only leechers for a seeder).
  virtual void announce(const peer_announce& a, std::size_t want, std::vector<swarm_peer>& out,
                        announce_done done) = 0;
  // Appends one entry per hash of `hashes`, in order (zeros for unknown torrents).
  virtual void scrape(std::span<const sha1_digest> hashes, std::vector<scrape_file>& out,
                      fill_done done) = 0;
  // Appends every torrent with at least one peer.
  virtual void scrape_all(std::vector<scrape_file>& out, fill_done done) = 0;
  // Removes peers last seen before `cutoff` and torrents left without peers.
  virtual void expire(std::uint32_t cutoff, expire_done done) = 0;
  virtual void totals(totals_done done) = 0;
  // The value every process sharing this store agrees on for `name`: the stored one if
  // any, else `proposal`, which becomes the stored one. A process-local store just
  // returns `proposal` (nobody to agree with).
  virtual void shared_key(std::string_view name, std::string proposal, key_done done) = 0;
  // Human-readable: "memory" or "redis://127.0.0.1:6379/0".
  virtual std::string describe() const = 0;
};

// The synchronous in-memory store behind the asynchronous interface: every call
// completes before it returns, and never fails.
std::unique_ptr<async_swarm_store> make_immediate_store(std::unique_ptr<swarm_store> store);

}  // namespace shoal::tracker
