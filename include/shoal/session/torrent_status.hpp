#pragma once
// What a session tells the code that drives it: a status snapshot per torrent and for the session, and the
// events it emits (the terminal display, the logs, --json and the RPC consume them). Plain data: no Asio.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/session/torrent_state.hpp"

namespace shoal::session {

// Stable within a run, never reused (the RPC's integer ids); 0 is no torrent.
using torrent_id = std::uint32_t;

struct torrent_status {
  torrent_id id = 0;
  sha1_digest info_hash{};
  std::string name;
  torrent_state state = torrent_state::queued_for_check;
  bool finished = false;        // nothing left to do: complete and not seeding on, or --seed-ratio reached
  std::string error;            // state error: why
  std::int64_t total_bytes = 0;
  std::int64_t verified_bytes = 0;  // in pieces that passed their SHA-1 check
  std::int64_t checked_bytes = 0;   // state checking: how far the check has got
  int piece_count = 0;
  int pieces_have = 0;
  double download_rate = 0;  // bytes/s over the last few seconds (a moving window, not since start)
  double upload_rate = 0;
  std::optional<std::int64_t> eta_seconds;  // none when nothing arrives, or nothing is left
  std::size_t peers = 0;
  std::size_t seeds = 0;       // connected peers that have every piece
  std::uint64_t uploaded = 0;  // payload bytes, this run
  std::uint64_t downloaded = 0;
  double ratio = 0;            // uploaded / downloaded this run (0 when nothing was downloaded)
  std::size_t hash_failures = 0;
  std::size_t bans = 0;
  // A magnet link before its metadata: false, and the share of the info dictionary fetched so far (0..1).
  bool has_metadata = true;
  double metadata_progress = 1;

  // verified/total in [0, 1]; while checking, the check's own progress.
  double progress() const;
};

// A torrent's life over every run (the daemon's resume data carries it from one run to the next).
struct torrent_history {
  std::int64_t added_at = 0;      // unix seconds
  std::int64_t completed_at = 0;  // unix seconds; 0: not complete
  std::uint64_t uploaded = 0;     // payload bytes over every run, this one included
  std::uint64_t downloaded = 0;
};

struct session_status {
  std::uint16_t port = 0;
  std::size_t torrents = 0;
  std::size_t active = 0;  // downloading or seeding
  std::size_t peers = 0;
  double download_rate = 0;
  double upload_rate = 0;
  std::uint64_t uploaded = 0;
  std::uint64_t downloaded = 0;
};

struct session_event {
  enum class kind : std::uint8_t {
    added,            // id, name, info_hash
    state_changed,    // from, to, status (and message: the error, when `to` is error)
    pieces_verified,  // pieces: indices since the last such event (batched, at most once a second)
    completed,        // every piece verified (status)
    error,            // message
    removed,          // data_deleted
    stats,            // status, periodically for torrents that are active or checking
  };
  kind type = kind::stats;
  torrent_id id = 0;
  sha1_digest info_hash{};
  std::string name;
  torrent_state from = torrent_state::queued_for_check;
  torrent_state to = torrent_state::queued_for_check;
  std::vector<std::uint32_t> pieces;
  std::string message;
  bool data_deleted = false;
  torrent_status status;  // completed, stats
};

std::string_view to_string(session_event::kind k);

}  // namespace shoal::session
