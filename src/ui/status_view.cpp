#include "shoal/ui/status_view.hpp"

namespace shoal::ui {

namespace {

using session::torrent_state;
using phase = transfer_status::phase;

phase phase_of(const session::torrent_status& s) {
  switch (s.state) {
    case torrent_state::fetching_metadata: return phase::fetching_metadata;
    case torrent_state::queued_for_check: return phase::queued;
    case torrent_state::checking: return phase::checking;
    case torrent_state::downloading: return phase::downloading;
    case torrent_state::seeding: return s.finished ? phase::complete : phase::seeding;
    case torrent_state::paused: return s.finished ? phase::complete : phase::paused;
    case torrent_state::error: return phase::failed;
  }
  return phase::downloading;
}

}  // namespace

transfer_status to_transfer_status(const session::torrent_status& s) {
  transfer_status t;
  t.name = s.name;
  t.state = phase_of(s);
  t.total = s.total_bytes;
  t.done = t.state == phase::checking ? s.checked_bytes : s.verified_bytes;
  t.download_rate = s.download_rate;
  t.upload_rate = s.upload_rate;
  t.uploaded = s.uploaded;
  t.peers = s.peers;
  return t;
}

}  // namespace shoal::ui
