#pragma once
// The data check a torrent runs (torrent_check.cpp); status() reads its progress (torrent.cpp).
#include "shoal/session/data_check.hpp"
#include "shoal/session/torrent.hpp"

namespace shoal::session {

struct torrent::check_job {
  check_control progress;
  check_options options;
  result<checked_data> outcome = error{"not run"};
};

}  // namespace shoal::session
