#pragma once
// Keeps the state folder's resume files close behind the session: a torrent's resume is written within `delay`
// of a piece being verified, its completion or a state change (one write per torrent per delay, however many
// events), within `idle_delay` of its counters moving (stats events), and for every torrent on save_all() (at
// stop). So a SIGKILL loses at most the last few seconds of pieces.
#include <chrono>
#include <cstddef>
#include <memory>

#include "shoal/daemon/state_store.hpp"
#include "shoal/session/torrent_status.hpp"

namespace shoal::session {
class session;
}

namespace shoal::daemon {

struct saver_options {
  std::chrono::milliseconds delay{2000};
  std::chrono::milliseconds idle_delay{60000};
};

class resume_saver {
 public:
  // Subscribes to `s`'s events; runs on its executor. Both must outlive the saver.
  resume_saver(session::session& s, state_store& store, saver_options o = {});
  ~resume_saver();  // unsubscribes; pending saves are dropped (call save_all first)
  resume_saver(const resume_saver&) = delete;
  resume_saver& operator=(const resume_saver&) = delete;

  // Now, not later: one torrent (after torrent-add or torrent-set), or every torrent (at stop).
  status save(session::torrent_id id);
  void save_all();
  std::size_t saves() const;       // files written so far
  std::size_t failures() const;    // writes that failed (each logged)

 private:
  struct impl;
  std::shared_ptr<impl> p_;
};

}  // namespace shoal::daemon
