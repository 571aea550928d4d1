#pragma once
// Announces a torrent to its trackers (BEP 3, 12, 15): walks the tiers with fallback,
// remembers who answered, and says when to announce again.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "shoal/tracker/client/tier_list.hpp"
#include "shoal/tracker/protocol/announce_response.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"

namespace shoal {

// What one tracker said last (the RPC's trackerStats).
struct tracker_outcome {
  std::int64_t time = 0;           // unix seconds of the last announce to it; 0 = never asked
  bool succeeded = false;
  std::string result;              // "Success", or why not (its failure reason, a timeout, ...)
  std::size_t peer_count = 0;      // peers its last answer named
  std::optional<std::int64_t> seeders, leechers;  // its last answer's complete / incomplete
};

class announcer {
 public:
  // `tiers` as in metainfo::trackers; each tier is shuffled once here (BEP 12).
  // `timeout` bounds each tracker attempt (resolve, connect, request, reply).
  announcer(boost::asio::any_io_executor ex, std::vector<std::vector<std::string>> tiers,
            std::chrono::seconds timeout = std::chrono::seconds(15));

  // Tries trackers tier by tier until one answers; that one moves to the front of its
  // tier. Sends back the tracker id a tracker gave earlier unless req.tracker_id is set.
  // When none answers: "no tracker answered: <url>: <reason>; <url>: <reason>".
  // Not reentrant: await one announce before starting the next.
  boost::asio::awaitable<result<announce_response>> announce(announce_request req);

  // Until the next announce: the last reply's interval (at least its min interval,
  // clamped to 1 s .. 1 day), or a growing backoff after failed rounds (retry_backoff).
  std::chrono::seconds next_delay(bool last_failed) const;

  const tier_list& trackers() const { return tiers_; }
  int consecutive_failures() const { return failures_; }

  // Trackers that refused the torrent with a "failure reason" (BEP 3: the request failed; whitelists and
  // unregistered torrents say so), by URL, with their reason. They are not asked again.
  const std::map<std::string, std::string, std::less<>>& refusals() const { return refused_; }
  // True once a tracker refused and none of the others answered either (every one refused, or the rest failed
  // in the last round): no tracker will name peers.
  bool no_tracker_can_help() const;
  // "URL: reason; URL: reason" of the refusals.
  std::string refusal_text() const;
  // Per tracker URL: what it said last (absent: never asked). And the URL being asked now, or "".
  const std::map<std::string, tracker_outcome, std::less<>>& outcomes() const { return outcomes_; }
  const std::string& asking() const { return asking_; }

 private:
  boost::asio::any_io_executor ex_;
  tier_list tiers_;
  std::chrono::seconds timeout_;
  int failures_ = 0;
  std::int64_t interval_ = 1800;
  std::optional<std::int64_t> min_interval_;
  std::map<std::string, std::string, std::less<>> tracker_ids_;  // by tracker URL
  std::map<std::string, std::string, std::less<>> refused_;      // by tracker URL: the reason
  bool last_round_failed_ = false;
  std::map<std::string, tracker_outcome, std::less<>> outcomes_;
  std::string asking_;
};

}  // namespace shoal
