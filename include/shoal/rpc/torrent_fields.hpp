#pragma once
// torrent-get's fields: a torrent's snapshot -> the spec's field names and types (rpc-version 16). Pure: the
// snapshot is plain data gathered by the caller; unit-tested alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/rpc/backend.hpp"
#include "shoal/session/torrent_details.hpp"
#include "shoal/session/torrent_status.hpp"

namespace shoal::rpc {

struct torrent_view {
  session::torrent_status status;
  const metainfo* meta = nullptr;  // the torrent's metainfo (null: fields from it read as empty)
  torrent_extras extras;
  std::int64_t activity_date = 0;  // unix seconds of the last transfer or state change
  std::int64_t now = 0;            // unix seconds, for secondsDownloading/Seeding
  std::optional<session::torrent_details> details;  // only when a field needs it (fields_need_details)
};

// Transmission's status numbers: 0 stopped, 1 check-wait, 2 check, 3 download-wait, 4 download, 5 seed-wait, 6 seed.
int transmission_status(session::torrent_state s);

// Known field names (the rest are ignored, as Transmission does).
bool is_known_field(std::string_view name);
// True when one of the fields reads files, pieces, peers or trackers (gathering those costs more).
bool fields_need_details(const std::vector<std::string>& fields);

// The "arguments" object of torrent-get's reply: {"torrents": [...]} (table: the first row names the fields,
// then one array per torrent), with "removed": [ids] when `removed` is given (ids "recently-active").
std::string torrent_get_arguments(const std::vector<torrent_view>& torrents, const std::vector<std::string>& fields,
                                  bool table, const std::vector<session::torrent_id>* removed);

}  // namespace shoal::rpc
