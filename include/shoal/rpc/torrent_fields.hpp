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
#include "shoal/rpc/json_writer.hpp"
#include "shoal/session/torrent_details.hpp"
#include "shoal/session/torrent_status.hpp"

namespace shoal::rpc {

struct torrent_view {
  session::torrent_status status;
  const metainfo* meta = nullptr;  // the torrent's metainfo (null: fields from it read as empty)
  torrent_extras extras;
  std::int64_t activity_date = 0;  // unix seconds of the last transfer or state change
  std::int64_t now = 0;            // unix seconds, for secondsDownloading/Seeding
  std::optional<session::torrent_details> details;  // only the parts a field reads (torrent_rows::details)
};

struct torrent_field;  // a name, how its value is written and which details it reads (torrent_fields.cpp)

// Transmission's status numbers: 0 stopped, 1 check-wait, 2 check, 3 download-wait, 4 download, 5 seed-wait, 6 seed.
int transmission_status(session::torrent_state s);

// Known field names (the rest are ignored, as Transmission does).
bool is_known_field(std::string_view name);

// The "arguments" object of torrent-get's reply, written one torrent at a time: {"torrents": [...]} (table: the
// first row names the fields, then one array per torrent), with "removed": [ids] when asked. The names are looked
// up once per request (unknown ones ignored, repeats written once), and no snapshot of every torrent is held.
class torrent_rows {
 public:
  torrent_rows(const std::vector<std::string>& fields, bool table);

  // The details the fields read: none when no field reads files, pieces, peers or trackers (they cost more).
  std::optional<session::detail_parts> details() const { return details_; }
  // {"torrents":[ and, in table format, the row of names.
  void begin(json_writer& w) const;
  void row(json_writer& w, const torrent_view& t) const;
  // The end of "torrents", then "removed": [ids] when `removed` is given (ids "recently-active").
  void end(json_writer& w, const std::vector<session::torrent_id>* removed) const;

 private:
  std::vector<const torrent_field*> chosen_;
  bool table_;
  std::optional<session::detail_parts> details_;
};

// The whole "arguments" object over snapshots already gathered.
std::string torrent_get_arguments(const std::vector<torrent_view>& torrents, const std::vector<std::string>& fields,
                                  bool table, const std::vector<session::torrent_id>* removed);

}  // namespace shoal::rpc
