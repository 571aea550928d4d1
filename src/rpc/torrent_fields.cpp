#include "shoal/rpc/torrent_fields.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "shoal/metainfo/magnet.hpp"
#include "shoal/rpc/base64.hpp"
#include "shoal/rpc/json_writer.hpp"

namespace shoal::rpc {

namespace {

using session::torrent_state;
using writer_fn = void (*)(json_writer&, const torrent_view&);
using i64 = std::int64_t;

i64 total_size(const torrent_view& t) { return t.status.total_bytes; }
i64 left_until_done(const torrent_view& t) { return std::max<i64>(0, t.status.total_bytes - t.status.verified_bytes); }
std::uint64_t uploaded_ever(const torrent_view& t) { return t.extras.uploaded_before + t.status.uploaded; }
std::uint64_t downloaded_ever(const torrent_view& t) { return t.extras.downloaded_before + t.status.downloaded; }

// Transmission: -1 when there is nothing to compare (tr_getRatio's TR_RATIO_NA), -2 for infinite.
double upload_ratio(const torrent_view& t) {
  const auto up = uploaded_ever(t);
  const auto down = downloaded_ever(t) != 0 ? downloaded_ever(t) : static_cast<std::uint64_t>(t.status.verified_bytes);
  if (down == 0) return up == 0 ? -1.0 : -2.0;
  return static_cast<double>(up) / static_cast<double>(down);
}

// -1: not available (done, or stopped), -2: unknown (nothing arriving).
i64 eta(const torrent_view& t) {
  if (t.status.state != torrent_state::downloading) return -1;
  if (!t.status.eta_seconds) return -2;
  return *t.status.eta_seconds;
}

int error_kind(const torrent_view& t) {
  if (t.status.state == torrent_state::error) return 3;  // local error
  if (t.details && !t.details->trackers.empty() && t.details->announce_failures > 0) return 1;  // tracker warning
  return 0;
}

std::string error_string(const torrent_view& t) {
  if (t.status.state == torrent_state::error) return t.status.error;
  if (t.details && t.details->announce_failures > 0) return "no tracker answered";
  return {};
}

double percent_done(const torrent_view& t) {
  if (t.status.total_bytes <= 0) return 0;
  return static_cast<double>(t.status.verified_bytes) / static_cast<double>(t.status.total_bytes);
}

std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  const auto end = rest.find_first_of("/?#");
  if (end != std::string_view::npos) rest = rest.substr(0, end);
  std::string out(scheme == std::string_view::npos ? "" : url.substr(0, scheme + 3));
  return out + std::string(rest);
}

// BEP 48: the scrape URL is the announce URL with its last "announce" path segment replaced.
std::string scrape_of(std::string_view url) {
  const auto slash = url.rfind('/');
  if (slash == std::string_view::npos || url.substr(slash + 1, 8) != "announce") return {};
  return std::string(url.substr(0, slash + 1)) + "scrape" + std::string(url.substr(slash + 9));
}

std::size_t count_peers(const torrent_view& t, bool (*pred)(const session::peer_details&)) {
  if (!t.details) return 0;
  return static_cast<std::size_t>(std::count_if(t.details->peers.begin(), t.details->peers.end(), pred));
}

bool sending_to_us(const session::peer_details& p) { return p.download_rate > 0; }
bool getting_from_us(const session::peer_details& p) { return p.upload_rate > 0; }

std::string flag_str(const session::peer_details& p) {
  std::string f;
  if (p.download_rate > 0) f += 'D';
  else if (p.am_interested && !p.peer_choking) f += 'd';
  if (p.upload_rate > 0) f += 'U';
  else if (p.peer_interested && !p.am_choking) f += 'u';
  if (!p.am_choking && !p.peer_interested) f += 'K';
  if (p.peer_choking && p.am_interested) f += '?';
  if (p.incoming) f += 'I';
  return f;
}

void write_files(json_writer& w, const torrent_view& t) {
  w.begin_array();
  if (t.meta) {
    for (std::size_t i = 0; i < t.meta->files.size(); ++i) {
      const auto& f = t.meta->files[i];
      if (f.pad) continue;
      const i64 done = t.details && i < t.details->file_completed.size() ? t.details->file_completed[i] : 0;
      const std::string name = f.path();  // "name/dir/file" (Transmission: relative to the download folder)
      w.begin_object().key("bytesCompleted").value(done).key("length").value(f.length).key("name").value(name).end_object();
    }
  }
  w.end_array();
}

void write_file_stats(json_writer& w, const torrent_view& t) {
  w.begin_array();
  if (t.meta) {
    for (std::size_t i = 0; i < t.meta->files.size(); ++i) {
      if (t.meta->files[i].pad) continue;
      const i64 done = t.details && i < t.details->file_completed.size() ? t.details->file_completed[i] : 0;
      w.begin_object().key("bytesCompleted").value(done).key("wanted").value(true).key("priority").value(0).end_object();
    }
  }
  w.end_array();
}

template <class V>
void per_file(json_writer& w, const torrent_view& t, V v) {
  w.begin_array();
  if (t.meta)
    for (const auto& f : t.meta->files)
      if (!f.pad) w.value(v);
  w.end_array();
}

void write_peers(json_writer& w, const torrent_view& t) {
  w.begin_array();
  if (t.details)
    for (const auto& p : t.details->peers) {
      w.begin_object()
          .key("address").value(p.address)
          .key("clientName").value(p.client)
          .key("clientIsChoked").value(p.peer_choking)
          .key("clientIsInterested").value(p.am_interested)
          .key("flagStr").value(flag_str(p))
          .key("isDownloadingFrom").value(p.download_rate > 0)
          .key("isEncrypted").value(false)
          .key("isIncoming").value(p.incoming)
          .key("isUploadingTo").value(p.upload_rate > 0)
          .key("isUTP").value(false)
          .key("peerIsChoked").value(p.am_choking)
          .key("peerIsInterested").value(p.peer_interested)
          .key("port").value(static_cast<int>(p.port))
          .key("progress").value(p.progress)
          .key("rateToClient").value(p.download_rate)
          .key("rateToPeer").value(p.upload_rate)
          .end_object();
    }
  w.end_array();
}

void write_peers_from(json_writer& w, const torrent_view& t) {
  std::int64_t incoming = 0, outgoing = 0;
  if (t.details)
    for (const auto& p : t.details->peers) (p.incoming ? incoming : outgoing) += 1;
  w.begin_object()
      .key("fromCache").value(0)
      .key("fromDht").value(0)
      .key("fromIncoming").value(incoming)
      .key("fromLpd").value(0)
      .key("fromLtep").value(0)
      .key("fromPex").value(0)
      .key("fromTracker").value(outgoing)
      .end_object();
}

void write_trackers(json_writer& w, const torrent_view& t) {
  w.begin_array();
  if (t.details)
    for (std::size_t i = 0; i < t.details->trackers.size(); ++i) {
      const auto& tr = t.details->trackers[i];
      w.begin_object().key("announce").value(tr.url).key("id").value(static_cast<i64>(i))
          .key("scrape").value(scrape_of(tr.url)).key("tier").value(tr.tier).end_object();
    }
  w.end_array();
}

void write_tracker_stats(json_writer& w, const torrent_view& t) {
  w.begin_array();
  if (t.details)
    for (std::size_t i = 0; i < t.details->trackers.size(); ++i) {
      const auto& tr = t.details->trackers[i];
      // Transmission's tr_tracker_state: 0 inactive, 1 waiting, 2 queued, 3 active.
      w.begin_object()
          .key("announce").value(tr.url)
          .key("announceState").value(static_cast<int>(tr.state))
          .key("host").value(host_of(tr.url))
          .key("id").value(static_cast<i64>(i))
          .key("isBackup").value(false)
          .key("lastAnnounceResult").value(tr.refused ? tr.refusal : tr.last_announce_result)
          .key("lastAnnounceSucceeded").value(tr.last_announce_succeeded)
          .key("lastAnnouncePeerCount").value(tr.last_announce_peer_count)
          .key("lastAnnounceTime").value(tr.last_announce_time)
          .key("leecherCount").value(tr.leechers)
          .key("nextAnnounceTime").value(tr.next_announce_time)
          .key("scrape").value(scrape_of(tr.url))
          .key("seederCount").value(tr.seeders)
          .key("tier").value(tr.tier)
          .end_object();
    }
  w.end_array();
}

void write_webseeds(json_writer& w, const torrent_view& t) {
  w.begin_array();
  if (t.meta)
    for (const auto& u : t.meta->web_seeds) w.value(u);
  w.end_array();
}

std::string magnet_of(const torrent_view& t) {
  magnet_link m;
  m.info_hash = t.status.info_hash;
  m.name = t.status.name;
  if (t.meta)
    for (const auto& tier : t.meta->trackers)
      for (const auto& u : tier) m.trackers.push_back(u);
  return make_magnet(m);
}

i64 seconds_in(const torrent_view& t, torrent_state s) {
  if (t.status.state != s || t.extras.start_date == 0 || t.now < t.extras.start_date) return 0;
  return t.now - t.extras.start_date;
}

constexpr std::uint8_t files_part = 1, pieces_part = 2, peers_part = 4, trackers_part = 8;

}  // namespace

struct torrent_field {
  std::string_view name;
  writer_fn write;
  std::uint8_t reads;  // the details it reads (files_part...), 0: the status, metainfo and extras only
};

namespace {

#define F(name, body) torrent_field{name, [](json_writer& w, const torrent_view& t) { (void)t; body; }, 0}
#define D(parts, name, body) torrent_field{name, [](json_writer& w, const torrent_view& t) { (void)t; body; }, parts}

const std::array fields{
    F("activityDate", w.value(t.activity_date)),
    F("addedDate", w.value(t.extras.added_date)),
    F("bandwidthPriority", w.value(0)),
    F("comment", w.value(t.meta ? t.meta->comment.str() : std::string())),
    F("corruptEver", w.value(static_cast<i64>(t.status.hash_failures) * (t.meta ? t.meta->piece_length : 0))),
    F("creator", w.value(t.meta ? t.meta->created_by.str() : std::string())),
    F("dateCreated", w.value(t.meta ? t.meta->creation_date.value_or(0) : 0)),
    F("desiredAvailable", w.value(left_until_done(t))),
    F("doneDate", w.value(t.extras.done_date)),
    F("downloadDir", w.value(t.extras.download_dir)),
    F("downloadedEver", w.value(downloaded_ever(t))),
    F("downloadLimit", w.value(t.extras.download_limit)),
    F("downloadLimited", w.value(t.extras.download_limited)),
    F("editDate", w.value(0)),
    D(trackers_part, "error", w.value(error_kind(t))),
    D(trackers_part, "errorString", w.value(error_string(t))),
    F("eta", w.value(eta(t))),
    F("etaIdle", w.value(-1)),
    D(files_part, "files", write_files(w, t)),
    D(files_part, "fileStats", write_file_stats(w, t)),
    F("hashString", w.value(t.status.info_hash.hex())),
    F("haveUnchecked", w.value(0)),
    F("haveValid", w.value(t.status.verified_bytes)),
    F("honorsSessionLimits", w.value(true)),
    F("id", w.value(static_cast<i64>(t.status.id))),
    F("isFinished", w.value(t.status.finished)),
    F("isPrivate", w.value(t.meta && t.meta->is_private)),
    F("isStalled", w.value(t.status.state == torrent_state::downloading && t.status.download_rate <= 0 && t.status.peers == 0)),
    F("labels", w.begin_array().end_array()),
    F("leftUntilDone", w.value(left_until_done(t))),
    F("magnetLink", w.value(magnet_of(t))),
    F("manualAnnounceTime", w.value(-1)),
    F("maxConnectedPeers", w.value(t.extras.peer_limit)),
    F("metadataPercentComplete", w.value(t.status.has_metadata ? 1.0 : std::min(t.status.metadata_progress, 0.99))),
    F("name", w.value(t.status.name)),
    F("peer-limit", w.value(t.extras.peer_limit)),
    D(peers_part, "peers", write_peers(w, t)),
    F("peersConnected", w.value(static_cast<i64>(t.status.peers))),
    D(peers_part, "peersFrom", write_peers_from(w, t)),
    D(peers_part, "peersGettingFromUs", w.value(static_cast<i64>(count_peers(t, getting_from_us)))),
    D(peers_part, "peersSendingToUs", w.value(static_cast<i64>(count_peers(t, sending_to_us)))),
    F("percentDone", w.value(percent_done(t))),
    D(pieces_part, "pieces", w.value(base64_encode(t.details ? t.details->have : std::string()))),
    F("pieceCount", w.value(t.status.piece_count)),
    F("pieceSize", w.value(t.meta ? t.meta->piece_length : 0)),
    F("priorities", per_file(w, t, 0)),
    F("queuePosition", w.value(static_cast<i64>(t.status.id))),
    F("rateDownload", w.value(static_cast<i64>(t.status.download_rate))),
    F("rateUpload", w.value(static_cast<i64>(t.status.upload_rate))),
    F("recheckProgress", w.value(t.status.state == torrent_state::checking ? t.status.progress() : 0.0)),
    F("secondsDownloading", w.value(seconds_in(t, torrent_state::downloading))),
    F("secondsSeeding", w.value(seconds_in(t, torrent_state::seeding))),
    F("seedIdleLimit", w.value(30)),
    F("seedIdleMode", w.value(0)),
    F("seedRatioLimit", w.value(2.0)),
    F("seedRatioMode", w.value(0)),
    F("sizeWhenDone", w.value(total_size(t))),
    F("startDate", w.value(t.extras.start_date)),
    F("status", w.value(transmission_status(t.status.state))),
    F("torrentFile", w.value(t.extras.torrent_file)),
    F("totalSize", w.value(total_size(t))),
    D(trackers_part, "trackers", write_trackers(w, t)),
    D(trackers_part, "trackerStats", write_tracker_stats(w, t)),
    F("uploadedEver", w.value(uploaded_ever(t))),
    F("uploadLimit", w.value(t.extras.upload_limit)),
    F("uploadLimited", w.value(t.extras.upload_limited)),
    F("uploadRatio", w.value(upload_ratio(t))),
    F("wanted", per_file(w, t, true)),
    F("webseeds", write_webseeds(w, t)),
    F("webseedsSendingToUs", w.value(0)),
};

#undef F
#undef D

const torrent_field* find_field(std::string_view name) {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

int transmission_status(torrent_state s) {
  switch (s) {
    case torrent_state::queued_for_check: return 1;
    case torrent_state::checking: return 2;
    case torrent_state::downloading:
    case torrent_state::fetching_metadata: return 4;
    case torrent_state::seeding: return 6;
    case torrent_state::paused:
    case torrent_state::error: return 0;
  }
  return 0;
}

bool is_known_field(std::string_view name) { return find_field(name) != nullptr; }

torrent_rows::torrent_rows(const std::vector<std::string>& names, bool table) : table_(table) {
  std::uint8_t reads = 0;
  bool any = false;
  for (const auto& n : names)
    if (const auto* f = find_field(n); f != nullptr && std::find(chosen_.begin(), chosen_.end(), f) == chosen_.end()) {
      chosen_.push_back(f);
      reads |= f->reads;
      any = any || f->reads != 0;
    }
  if (any)
    details_ = session::detail_parts{(reads & files_part) != 0, (reads & pieces_part) != 0, (reads & peers_part) != 0,
                                     (reads & trackers_part) != 0};
}

void torrent_rows::begin(json_writer& w) const {
  w.begin_object().key("torrents").begin_array();
  if (table_) {
    w.begin_array();
    for (const auto* f : chosen_) w.value(f->name);
    w.end_array();
  }
}

void torrent_rows::row(json_writer& w, const torrent_view& t) const {
  if (table_) {
    w.begin_array();
    for (const auto* f : chosen_) f->write(w, t);
    w.end_array();
    return;
  }
  w.begin_object();
  for (const auto* f : chosen_) {
    w.key(f->name);
    f->write(w, t);
  }
  w.end_object();
}

void torrent_rows::end(json_writer& w, const std::vector<session::torrent_id>* removed) const {
  w.end_array();
  if (removed) {
    w.key("removed").begin_array();
    for (auto id : *removed) w.value(static_cast<i64>(id));
    w.end_array();
  }
  w.end_object();
}

std::string torrent_get_arguments(const std::vector<torrent_view>& torrents, const std::vector<std::string>& names,
                                  bool table, const std::vector<session::torrent_id>* removed) {
  const torrent_rows rows(names, table);
  json_writer w;
  rows.begin(w);
  for (const auto& t : torrents) rows.row(w, t);
  rows.end(w, removed);
  return w.take();
}

}  // namespace shoal::rpc
