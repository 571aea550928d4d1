#include "shoal/session/torrent_state.hpp"

#include <utility>

namespace shoal::session {

std::string_view to_string(torrent_state s) {
  switch (s) {
    case torrent_state::fetching_metadata: return "fetching metadata";
    case torrent_state::queued_for_check: return "queued for check";
    case torrent_state::checking: return "checking";
    case torrent_state::downloading: return "downloading";
    case torrent_state::seeding: return "seeding";
    case torrent_state::paused: return "paused";
    case torrent_state::error: return "error";
  }
  return "unknown";
}

bool torrent_lifecycle::move_to(torrent_state next) {
  state_ = next;
  return true;
}

bool torrent_lifecycle::metadata_received() {
  if (state_ == torrent_state::fetching_metadata) return move_to(torrent_state::queued_for_check);
  if (state_ == torrent_state::paused && !has_metadata_) {  // paused while fetching: stays paused, now checkable
    has_metadata_ = true;
    return true;
  }
  return false;
}

bool torrent_lifecycle::start_check() {
  if (state_ != torrent_state::queued_for_check) return false;
  checked_ = false;
  return move_to(torrent_state::checking);
}

bool torrent_lifecycle::check_done(bool complete) {
  if (state_ != torrent_state::checking) return false;
  checked_ = true;
  return move_to(complete ? torrent_state::seeding : torrent_state::downloading);
}

bool torrent_lifecycle::trusted(bool complete) {
  if (state_ == torrent_state::paused && has_metadata_) {
    checked_ = true;
    return true;
  }
  if (state_ != torrent_state::queued_for_check) return false;
  checked_ = true;
  return move_to(complete ? torrent_state::seeding : torrent_state::downloading);
}

bool torrent_lifecycle::completed() {
  if (state_ != torrent_state::downloading) return false;
  return move_to(torrent_state::seeding);
}

bool torrent_lifecycle::pause() {
  if (state_ == torrent_state::paused || state_ == torrent_state::error) return false;
  if (state_ == torrent_state::fetching_metadata) has_metadata_ = false;
  // A check cut short proves nothing: the next resume checks again.
  if (state_ == torrent_state::queued_for_check || state_ == torrent_state::checking) checked_ = false;
  return move_to(torrent_state::paused);
}

bool torrent_lifecycle::resume(bool complete) {
  if (state_ == torrent_state::error) {
    error_.clear();
    checked_ = false;
    return move_to(torrent_state::queued_for_check);
  }
  if (state_ != torrent_state::paused) return false;
  if (!has_metadata_) return move_to(torrent_state::fetching_metadata);
  if (!checked_) return move_to(torrent_state::queued_for_check);
  return move_to(complete ? torrent_state::seeding : torrent_state::downloading);
}

bool torrent_lifecycle::verify() {
  switch (state_) {
    case torrent_state::downloading:
    case torrent_state::seeding:
    case torrent_state::paused:
    case torrent_state::error:
      if (!has_metadata_) return false;
      error_.clear();
      checked_ = false;
      return move_to(torrent_state::queued_for_check);
    default: return false;
  }
}

bool torrent_lifecycle::fail(std::string reason) {
  if (state_ == torrent_state::error) return false;
  error_ = std::move(reason);
  checked_ = false;
  return move_to(torrent_state::error);
}

}  // namespace shoal::session
