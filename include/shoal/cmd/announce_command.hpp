#pragma once
// The `announce` tool: one announce round from the command line, for scripts and checks.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace shoal::cmd {

struct announce_options {
  std::string torrent;               // .torrent file giving info-hash and trackers, or empty
  std::vector<std::string> trackers; // --tracker URLs (one tier each), after the torrent's
  std::string info_hash_hex;         // required without a torrent; overrides the torrent's
  std::string peer_id;               // 20 bytes; random Azureus-style id (wire::make_peer_id) when empty
  std::string event = "started";     // started, completed, stopped, none
  std::uint16_t port = 6881;
  std::int64_t uploaded = 0, downloaded = 0, left = 0;
  int numwant = 50;
  int timeout_seconds = 15;
};

// Prints the peers, one "ip:port" per line, on `out`; the tracker's counts and interval go
// to the log. Exit status: 0 a tracker answered, 1 none did, 2 bad arguments or torrent.
int run_announce(const announce_options& options, std::ostream& out, std::ostream& err);

}  // namespace shoal::cmd
