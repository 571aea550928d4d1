#pragma once
// A torrent's lifecycle as an explicit state machine, without I/O (unit-tested alone):
//
//   fetching_metadata -> queued_for_check -> checking -> downloading -> seeding
//   any state -> paused (a check in progress is abandoned) -> queued_for_check (resume; or straight back to
//   downloading/seeding when the data was checked and nothing changed since) ; any state -> error (with its
//   reason) ; error, paused, downloading, seeding -> queued_for_check (verify again, or resume after an error).
//
// The session's verify queue moves torrents from queued_for_check to checking, one or two at a time.
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/util/rare_string.hpp"

namespace shoal::session {

enum class torrent_state : std::uint8_t {
  fetching_metadata,  // a magnet link: no info dictionary yet
  queued_for_check,   // waiting for the verify queue
  checking,           // hashing what is on disk
  downloading,
  seeding,
  paused,
  error,
};

// "queued for check", "checking", ...: what logs, --json and the RPC show.
std::string_view to_string(torrent_state s);

class torrent_lifecycle {
 public:
  explicit torrent_lifecycle(torrent_state initial = torrent_state::queued_for_check)
      : state_(initial), has_metadata_(initial != torrent_state::fetching_metadata) {}

  torrent_state state() const { return state_; }
  // Connections, announces and the ticker run only in these states.
  bool active() const { return state_ == torrent_state::downloading || state_ == torrent_state::seeding; }
  // The data was checked (and is being kept up to date by the download) since the last pause or error.
  bool checked() const { return checked_; }
  const std::string& error() const { return error_.str(); }

  // Each returns false, changing nothing, when the transition does not apply to the current state.
  bool metadata_received();            // fetching_metadata -> queued_for_check
  bool start_check();                  // queued_for_check -> checking
  bool check_done(bool complete);      // checking -> seeding (complete) or downloading
  // Saved pieces trusted without a check (fast resume): queued_for_check -> seeding (complete) or downloading;
  // paused stays paused with the data known (a resume goes straight on).
  bool trusted(bool complete);
  bool completed();                    // downloading -> seeding
  bool pause();                        // anything but paused -> paused (an error stays an error)
  // paused -> downloading or seeding (`complete`) when the data was checked before, else queued_for_check;
  // error -> queued_for_check (the data is checked again: the error may have left it anywhere).
  bool resume(bool complete);
  bool verify();                       // downloading, seeding, paused, error -> queued_for_check
  bool fail(std::string reason);       // any state but error -> error

 private:
  bool move_to(torrent_state next);

  torrent_state state_;
  bool checked_ = false;
  bool has_metadata_;
  rare_string error_;  // empty but for an error
};

}  // namespace shoal::session
