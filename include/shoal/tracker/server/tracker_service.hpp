#pragma once
// What the tracker answers, without any networking: a GET request target and the
// asking peer's address in, an HTTP status and body out. The HTTP server is a thin
// shell around this, and unit tests drive it directly.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/tracker/server/info_hash_list.hpp"
#include "shoal/tracker/server/swarm_store.hpp"

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

// Buffers one connection reuses from request to request.
struct request_scratch {
  std::vector<swarm_peer> peers;
  std::vector<sha1_digest> hashes;
  std::vector<scrape_file> files;
};

struct http_reply {
  int status = 200;
  std::string_view content_type = "text/plain";
  std::string body;  // cleared and refilled by handle(); keeps its capacity
};

struct peer_origin {
  ip_bytes ip{};
  bool v6 = false;
};

class tracker_service {
 public:
  tracker_service(tracker_config config, swarm_store& store);

  // Thread-safe. `now` is seconds since the service started (peer last-seen and uptime).
  void handle(std::string_view target, const peer_origin& from, std::uint32_t now,
              request_scratch& scratch, http_reply& reply);

  // Replaces the whitelist/blacklist (SIGHUP reload); a null list with list_mode::none
  // turns filtering off.
  void set_filter(std::shared_ptr<const info_hash_list> list, list_mode mode);

  std::uint64_t announces() const { return announces_.load(std::memory_order_relaxed); }
  std::uint64_t scrapes() const { return scrapes_.load(std::memory_order_relaxed); }
  const tracker_config& config() const { return config_; }

 private:
  void announce(std::string_view query, const peer_origin& from, std::uint32_t now,
                request_scratch& scratch, http_reply& reply);
  void scrape(std::string_view query, request_scratch& scratch, http_reply& reply);
  void stats_json(std::uint32_t now, http_reply& reply);
  void stats_prometheus(std::uint32_t now, http_reply& reply);
  // Empty when allowed, else the failure reason.
  std::string_view refusal(const sha1_digest& h) const;

  tracker_config config_;
  swarm_store& store_;
  std::atomic<std::shared_ptr<const info_hash_list>> list_;
  std::atomic<list_mode> mode_{list_mode::none};
  std::atomic<std::uint64_t> announces_{0};
  std::atomic<std::uint64_t> scrapes_{0};
};

}  // namespace shoal::tracker
