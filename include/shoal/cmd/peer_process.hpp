#pragma once
// What seed and leech share once their torrents are known: a process around one session. It owns the
// io_context, the signals (first SIGINT/SIGTERM: stop with stopped announces bounded to 0.8 s; a second one:
// exit at once), the progress display (it subscribes to the session's snapshots), --json output and --control
// input, and decides when the process is done and with which exit status.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "shoal/cmd/run.hpp"
#include "shoal/metainfo/magnet.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/session/session.hpp"
#include "shoal/util/result.hpp"

namespace shoal::cmd {

// A .torrent file (or, for the leech, a magnet link) turned into what the session adds (the seed and the leech
// differ in the options).
struct torrent_request {
  metainfo meta;
  session::torrent_options options;
  std::optional<magnet_link> magnet;  // set: added with add_magnet, `meta` unused
};
using torrent_loader = std::function<result<torrent_request>(const std::string& file)>;

struct process_setup {
  session::session_options session;
  bool seed = false;  // a torrent whose check fails is skipped (reported); a leech's failure is final
  bool json = false;
  bool control = false;
};

// Runs until every torrent is finished (without --control), "stop" or the end of stdin (with it), or a signal.
// Exit status: 0; 1 when a torrent failed or nothing could be served; 128 + the signal's number when one
// interrupted a download (130 for SIGINT, 143 for SIGTERM).
int run_peer_process(const process_setup& setup, const std::vector<std::string>& files, const torrent_loader& load);

}  // namespace shoal::cmd
