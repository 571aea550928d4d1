// Transfer counters as one plain line: periodically while seeding (when something was uploaded) and at exit.
// Tests and scripts parse it: "NAME: stats: downloaded D bytes, uploaded U bytes, ratio R, peers P, seeds S,
// hash failures H, banned B".
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"

namespace shoal::session {

void torrent::report_stats(bool at_exit) {
  if (!at_exit && uploaded_ == stats_mark_) return;
  stats_mark_ = uploaded_;
  const auto seeds = std::count_if(peers_.begin(), peers_.end(), [](const auto& c) { return c->peer_has.all(); });
  const double ratio = downloaded_ > 0 ? static_cast<double>(uploaded_) / static_cast<double>(downloaded_) : 0.0;
  spdlog::info("{}: stats{}: downloaded {} bytes, uploaded {} bytes, ratio {:.2f}, peers {}, seeds {}, hash failures "
               "{}, banned {}",
               meta_->name, at_exit ? " at exit" : "", downloaded_, uploaded_, ratio, peers_.size(), seeds,
               hash_failures_, bans_count_);
}

}  // namespace shoal::session
