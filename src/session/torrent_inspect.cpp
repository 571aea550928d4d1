// Read-only snapshots of a torrent's inside for whoever drives the session (the RPC's inspector fields).
#include <algorithm>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/session.hpp"
#include "shoal/session/torrent.hpp"
#include "shoal/tracker/client/announcer.hpp"

namespace shoal::session {

namespace {

// "1.2.3.4:5678" or "[::1]:5678" -> address and port (a name without a port keeps port 0).
void split_name(const std::string& name, peer_details& p) {
  const auto colon = name.rfind(':');
  std::string host = colon == std::string::npos ? name : name.substr(0, colon);
  if (colon != std::string::npos) {
    unsigned long port = 0;
    for (char c : name.substr(colon + 1)) {
      if (c < '0' || c > '9' || port > 65535) { port = 0; break; }
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    p.port = port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  p.address = std::move(host);
}

// Verified bytes per file: pieces and files both run in byte order, so one sweep over both.
std::vector<std::int64_t> file_progress(const metainfo& m, const bitfield& have) {
  std::vector<std::int64_t> done(m.files.size(), 0);
  std::size_t f = 0;
  for (int i = 0; i < m.piece_count(); ++i) {
    if (!have.get(static_cast<std::size_t>(i))) continue;
    const std::int64_t begin = static_cast<std::int64_t>(i) * m.piece_length;
    const std::int64_t end = begin + m.piece_size(i);
    while (f < m.files.size() && m.files[f].offset + m.files[f].length <= begin) ++f;
    for (std::size_t g = f; g < m.files.size() && m.files[g].offset < end; ++g) {
      const std::int64_t lo = std::max(begin, m.files[g].offset);
      const std::int64_t hi = std::min(end, m.files[g].offset + m.files[g].length);
      if (hi > lo) done[g] += hi - lo;
    }
  }
  return done;
}

}  // namespace

torrent_details torrent::details(detail_parts parts) const {
  torrent_details d;
  if (parts.files) d.file_completed = file_progress(*meta_, have_);
  if (parts.pieces) d.have = std::string(have_.bytes());
  if (parts.peers) add_peer_details(d);
  if (parts.trackers) add_tracker_details(d);
  return d;
}

void torrent::add_peer_details(torrent_details& d) const {
  const double pieces = std::max(1, meta_->piece_count());
  for (const auto& c : peers_) {
    if (c->closed()) continue;
    peer_details p;
    split_name(c->name(), p);
    p.client = c->client;
    p.incoming = !c->outgoing;
    p.am_choking = c->am_choking;
    p.am_interested = c->am_interested;
    p.peer_choking = c->peer_choking;
    p.peer_interested = c->peer_interested;
    p.progress = static_cast<double>(c->peer_has.count()) / pieces;
    p.download_rate = c->download_rate;
    p.upload_rate = c->upload_rate;
    d.peers.push_back(std::move(p));
  }
}

void torrent::add_tracker_details(torrent_details& d) const {
  for (std::size_t t = 0; t < meta_->trackers.size(); ++t)
    for (const auto& url : meta_->trackers[t]) {
      tracker_details td;
      td.url = url;
      td.tier = static_cast<int>(t);
      if (announcer_) {
        const auto& refused = announcer_->refusals();
        if (auto it = refused.find(url); it != refused.end()) {
          td.refused = true;
          td.refusal = it->second;
        }
        describe_announces(td);
      }
      d.trackers.push_back(std::move(td));
    }
  if (announcer_) d.announce_failures = announcer_->consecutive_failures();
}

// The tracker's last answer from the announcer, and where the announce loop stands for it (Transmission's
// announceState: asking it now, waiting for the next round, or not announcing at all).
void torrent::describe_announces(tracker_details& td) const {
  using state = tracker_details::announce_state;
  if (auto it = announcer_->outcomes().find(td.url); it != announcer_->outcomes().end()) {
    const auto& o = it->second;
    td.last_announce_time = o.time;
    td.last_announce_succeeded = o.succeeded;
    td.last_announce_result = o.result;
    td.last_announce_peer_count = static_cast<std::int64_t>(o.peer_count);
    td.seeders = o.seeders.value_or(-1);
    td.leechers = o.leechers.value_or(-1);
  }
  if (td.refused || !active()) return;
  if (announcer_->asking() == td.url) {
    td.state = state::active;
  } else if (next_announce_at_ != 0) {
    td.state = state::waiting;
    td.next_announce_time = next_announce_at_;
  } else {
    td.state = state::queued;
  }
}

std::optional<torrent_details> session::details(torrent_id id, detail_parts parts) const {
  auto t = get(id);
  if (!t) return std::nullopt;
  return t->details(parts);
}

const metainfo* session::info_of(torrent_id id) const {
  auto t = get(id);
  return t ? &t->info() : nullptr;
}

}  // namespace shoal::session
