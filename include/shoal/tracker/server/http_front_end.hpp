#pragma once
// The tracker's HTTP front end, without any networking: a GET request target and the
// asking peer's address in, an HTTP status and body out. It only decodes the query and
// encodes the bencoded reply (and the /stats and /metrics pages); tracker_logic decides.
// The HTTP server is a thin shell around this, and unit tests drive it directly.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "shoal/tracker/server/tracker_logic.hpp"

namespace shoal::tracker {

struct http_reply {
  int status = 200;
  std::string_view content_type = "text/plain";
  std::string body;  // cleared and refilled by handle(); keeps its capacity
};

class http_front_end {
 public:
  explicit http_front_end(tracker_logic& logic) : logic_(logic) {}

  using done_fn = std::function<void()>;

  // Thread-safe. `now` is seconds since the tracker started (peer last-seen and uptime).
  // Calls `done` once `reply` is filled, maybe before returning, maybe later on a store's
  // thread; `target`, `scratch` and `reply` must live until then.
  void handle(std::string_view target, const peer_origin& from, std::uint32_t now,
              request_scratch& scratch, http_reply& reply, done_fn done);

 private:
  void announce(std::string_view query, const peer_origin& from, std::uint32_t now,
                request_scratch& scratch, http_reply& reply, done_fn done);
  void scrape(std::string_view query, request_scratch& scratch, http_reply& reply, done_fn done);
  void stats(bool prometheus, std::uint32_t now, http_reply& reply, done_fn done);
  void stats_json(std::uint32_t now, const store_totals& t, http_reply& reply);
  void stats_prometheus(std::uint32_t now, const store_totals& t, http_reply& reply);

  tracker_logic& logic_;
};

}  // namespace shoal::tracker
