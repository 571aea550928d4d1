#pragma once
// The session's torrent snapshot as the progress display's line data.
#include "shoal/session/torrent_status.hpp"
#include "shoal/ui/status_line.hpp"

namespace shoal::ui {

transfer_status to_transfer_status(const session::torrent_status& s);

}  // namespace shoal::ui
