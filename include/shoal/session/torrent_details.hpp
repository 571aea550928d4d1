#pragma once
// A torrent's inside, read on request (the RPC's inspector fields): per-file progress, the verified pieces, the
// connected peers and the trackers. Plain data, copied out: nothing here refers back into the torrent.
#include <cstdint>
#include <string>
#include <vector>

namespace shoal::session {

struct peer_details {
  std::string address;  // "ip" (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string client;
  bool incoming = false;
  bool am_choking = true, am_interested = false;      // what we told it
  bool peer_choking = true, peer_interested = false;  // what it told us
  double progress = 0;  // of the pieces it has, 0..1
  std::uint64_t download_rate = 0;  // bytes/s from it
  std::uint64_t upload_rate = 0;    // bytes/s to it
};

struct tracker_details {
  std::string url;
  int tier = 0;
  bool refused = false;
  std::string refusal;  // its failure reason
  // Its last announce (time 0: never asked this run): the result ("Success" or why not), the peers it named,
  // the seeders and leechers it counted (-1: not said).
  std::int64_t last_announce_time = 0;
  bool last_announce_succeeded = false;
  std::string last_announce_result;
  std::int64_t last_announce_peer_count = 0;
  std::int64_t seeders = -1, leechers = -1;
  std::int64_t next_announce_time = 0;  // unix seconds; 0 = none planned (stopped, refused, or asking now)
  enum class announce_state : std::uint8_t { inactive, waiting, queued, active } state = announce_state::inactive;
};

// Which parts details() gathers: a caller asks only for what it reads (the RPC's list over thousands of torrents
// reads the peers' rates and whether trackers fail, never the files or the pieces).
struct detail_parts {
  bool files = true;     // file_completed
  bool pieces = true;    // have
  bool peers = true;
  bool trackers = true;  // trackers and announce_failures
};

struct torrent_details {
  std::vector<std::int64_t> file_completed;  // verified bytes per file, in torrent order
  std::string have;  // the verified pieces as a bitfield (BEP 3 bit order), empty while unknown
  std::vector<peer_details> peers;
  std::vector<tracker_details> trackers;
  int announce_failures = 0;  // consecutive rounds no tracker answered
};

}  // namespace shoal::session
