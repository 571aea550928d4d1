#include "shoal/tracker/client/announcer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "shoal/tracker/client/announce_to.hpp"
#include "shoal/tracker/client/retry_backoff.hpp"

namespace shoal {

namespace {

std::uint64_t random_seed() {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

announcer::announcer(boost::asio::any_io_executor ex,
                     std::vector<std::vector<std::string>> tiers, std::chrono::seconds timeout)
    : ex_(std::move(ex)), tiers_(std::move(tiers), random_seed()), timeout_(timeout) {}

boost::asio::awaitable<result<announce_response>> announcer::announce(announce_request req) {
  if (tiers_.empty()) {
    ++failures_;
    co_return error{"no tracker answered: the torrent lists no trackers"};
  }
  if (refused_.size() >= tiers_.size()) {
    ++failures_;
    last_round_failed_ = true;
    co_return error{"every tracker refused the torrent: " + refusal_text()};
  }
  const bool caller_tracker_id = !req.tracker_id.empty();
  std::string failures;
  for (auto slot : tiers_.attempt_order()) {
    const std::string url = tiers_.url(slot);
    if (refused_.contains(url)) continue;
    if (!caller_tracker_id) {
      auto id = tracker_ids_.find(url);
      req.tracker_id = id == tracker_ids_.end() ? std::string() : id->second;
    }
    spdlog::debug("announce to {} (event \"{}\")", url, event_name(req.event));
    asking_ = url;
    auto reply = co_await announce_to(ex_, url, req, timeout_);
    asking_.clear();
    auto& outcome = outcomes_[url];
    outcome.time = unix_now();
    outcome.succeeded = reply.has_value();
    if (!reply) {
      outcome.result = reply.message();
      outcome.peer_count = 0;
      spdlog::debug("tracker {}: {}", url, reply.message());
      if (is_tracker_refusal(reply.message()))
        refused_[url] = reply.message().substr(tracker_failure_prefix.size());
      if (!failures.empty()) failures += "; ";
      failures += url + ": " + reply.message();
      continue;
    }
    outcome.result = "Success";
    outcome.peer_count = reply->peers.size();
    outcome.seeders = reply->complete;
    outcome.leechers = reply->incomplete;
    tiers_.promote(slot);
    failures_ = 0;
    last_round_failed_ = false;
    interval_ = reply->interval;
    min_interval_ = reply->min_interval;
    if (!reply->tracker_id.empty()) tracker_ids_[url] = reply->tracker_id;
    if (!reply->warning.empty()) spdlog::warn("tracker {} warns: {}", url, reply->warning);
    spdlog::debug("tracker {} gave {} peers, interval {} s", url, reply->peers.size(),
                  reply->interval);
    co_return reply;
  }
  ++failures_;
  last_round_failed_ = true;
  co_return error{"no tracker answered: " + failures};
}

bool announcer::no_tracker_can_help() const {
  return !refused_.empty() && (refused_.size() >= tiers_.size() || last_round_failed_);
}

std::string announcer::refusal_text() const {
  std::string text;
  for (const auto& [url, reason] : refused_) {
    if (!text.empty()) text += "; ";
    text += url + ": " + reason;
  }
  return text;
}

std::chrono::seconds announcer::next_delay(bool last_failed) const {
  if (last_failed) return retry_backoff(std::max(failures_, 1));
  constexpr std::int64_t one_day = 24 * 60 * 60;
  std::int64_t delay = std::max<std::int64_t>(interval_, min_interval_.value_or(0));
  return std::chrono::seconds(std::clamp<std::int64_t>(delay, 1, one_day));
}

}  // namespace shoal
