// What peer messages mean for a torrent: availability, interest, requests, blocks to disk, serving, choking.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"
#include "shoal/wire/ext/metadata_assembler.hpp"

namespace shoal::session {

using shoal::block_ref;
using peer::peer_connection;

void torrent::on_message(peer_connection& c, const wire::message& m) {
  if (m.keep_alive) return;
  if (m.id == wire::message_id::extended) {
    on_extended(c, m);
    return;
  }
  if (m.id == wire::message_id::port) {  // BEP 5: needs no geometry
    on_dht_port(c, m.port);
    return;
  }
  if (fetching_metadata()) return;  // without the pieces' geometry the rest means nothing yet
  switch (m.id) {
    case wire::message_id::choke:
      c.peer_choking = true;
      // Without the fast extension a choke drops every pending request; with it, the peer rejects each one it
      // drops (and one never answered times out in tick()).
      if (!c.fast) return_requests(c);
      break;
    case wire::message_id::unchoke:
      c.peer_choking = false;
      fill_requests(c);
      break;
    case wire::message_id::interested:
      c.peer_interested = true;
      unchoke_more();
      break;
    case wire::message_id::not_interested:
      c.peer_interested = false;
      if (!c.am_choking) unchoke_more();  // its slot goes to someone else
      break;
    case wire::message_id::have: on_have(c, m.index); break;
    case wire::message_id::bitfield: on_bitfield(c, m.payload); break;
    case wire::message_id::request: on_request(c, m); break;
    case wire::message_id::piece: on_piece(c, m); break;
    case wire::message_id::cancel: c.cancel_upload({m.index, m.begin, m.length}); break;
    case wire::message_id::suggest:
    case wire::message_id::have_all:
    case wire::message_id::have_none:
    case wire::message_id::reject:
    case wire::message_id::allowed_fast: on_fast_message(c, m); break;
    default: break;  // anything else: not used
  }
}

void torrent::on_bitfield(peer_connection& c, std::string_view bytes) {
  auto bf = bitfield::from_bytes(bytes, static_cast<std::size_t>(meta_->piece_count()));
  if (!bf) {
    c.close("bad bitfield: " + bf.message());
    return;
  }
  set_peer_has(c, std::move(*bf));
}

// Its whole set of pieces: a bitfield, or (BEP 6) have all / have none.
void torrent::set_peer_has(peer_connection& c, bitfield has) {
  if (c.bitfield_counted) picker().remove_peer(c.peer_has);
  c.peer_has = std::move(has);
  picker().add_peer(c.peer_has);
  c.bitfield_counted = true;
  if (close_if_both_complete(c)) return;
  super_seed_refill(c);
  update_interest(c);
}

// Two seeds have nothing to give each other (as libtorrent and aria2 do, the connection goes).
bool torrent::close_if_both_complete(peer_connection& c) {
  if (!c.peer_has.all() || !complete_data()) return false;
  if (transfer_)
    if (auto it = transfer_->candidates.find(c.name()); it != transfer_->candidates.end()) it->second.complete = true;
  c.close("both complete");
  return true;
}

void torrent::on_have(peer_connection& c, std::uint32_t piece) {
  if (c.peer_has.get(piece)) return;
  c.peer_has.set(piece);
  c.bitfield_counted = true;
  picker().add_have(static_cast<int>(piece));
  if (close_if_both_complete(c)) return;
  if (super_seeding()) {
    super_seeder_->on_have(c.id(), static_cast<int>(piece));
    super_seed_refill(c);
  }
  if (!c.am_interested && !have_.get(piece) && running()) {
    c.send_interested(true);
  }
  if (c.am_interested) fill_requests(c);
}

void torrent::update_interest(peer_connection& c) {
  const bool want = running() && !opt_->seed_only && picker().wants_any_of(c.peer_has);
  c.send_interested(want);
  if (want) fill_requests(c);
}

void torrent::fill_requests(peer_connection& c) {
  if (c.closed() || !c.am_interested || c.snubbed || !running()) return;
  if (fill_fast_requests(c)) return;  // choked: allowed-fast pieces only
  if (c.peer_choking) return;
  // Refill in batches (not one request per arrival): fewer picker scans, fuller writes.
  const std::size_t depth = c.pipeline.depth();
  if (c.inflight.size() > depth * 3 / 4) return;
  auto& scratch = transfer().scratch;
  scratch.clear();
  picker().pick(c.peer_has, depth - c.inflight.size(), scratch, [&](const block_ref& b) {
    return std::find(c.inflight.begin(), c.inflight.end(), b) != c.inflight.end();
  });
  if (scratch.empty()) return;
  if (c.inflight.empty()) c.last_block = peer::clock::now();  // the request timeout starts now
  for (const auto& b : scratch) {
    c.inflight.push_back(b);
    c.send_request(b);
  }
  c.wake();
}

void torrent::return_requests(peer_connection& c) {
  for (const auto& b : c.inflight) picker().on_request_dropped(b);
  c.inflight.clear();
}

void torrent::cancel_elsewhere(const peer_connection& except, const block_ref& b) {
  for (auto& other : peers_) {
    if (other.get() == &except) continue;
    auto it = std::find(other->inflight.begin(), other->inflight.end(), b);
    if (it == other->inflight.end()) continue;
    other->inflight.erase(it);
    other->send_cancel(b);
    other->wake();
  }
}

void torrent::on_piece(peer_connection& c, const wire::message& m) {
  const block_ref b{m.index, m.begin, static_cast<std::uint32_t>(m.payload.size())};
  auto it = c.inflight.begin();
  if (it == c.inflight.end() || !(*it == b)) it = std::find(c.inflight.begin(), c.inflight.end(), b);
  if (it != c.inflight.end()) c.inflight.erase(it);
  c.last_block = peer::clock::now();
  c.snubbed = false;
  c.downloaded += b.length;
  c.pipeline.on_received(b.length, c.last_block);
  downloaded_ += b.length;
  int others = 0;
  auto r = picker().on_block(b, others);
  if (r == swarm::piece_picker::block_result::unexpected) {
    fill_requests(c);
    return;
  }
  if (!store_block(b, std::as_bytes(std::span(m.payload.data(), m.payload.size())))) return;
  record_block(c, b);
  if (others > 0) cancel_elsewhere(c, b);
  if (r == swarm::piece_picker::block_result::piece_complete) verify_piece(static_cast<int>(b.piece));
  fill_requests(c);
}

void torrent::on_request(peer_connection& c, const wire::message& m) {
  // BEP 3: requests while choked are ignored; BEP 6: rejected, except for the pieces we allowed it. A super-seed
  // serves pieces it has not revealed to the asker too: refusing would help nobody.
  const block_ref b{m.index, m.begin, m.length};
  const bool allowed = c.fast && !seeding_done_ &&
                       std::find(c.allowed_fast_out.begin(), c.allowed_fast_out.end(), m.index) != c.allowed_fast_out.end();
  if (c.am_choking && !allowed) {
    if (c.fast) c.send_reject(b);
    return;
  }
  if (!have_.get(m.index)) {
    if (c.fast) c.send_reject(b);
    else c.close("requested piece " + std::to_string(m.index) + " which we do not have");
    return;
  }
  if (!c.queue_upload(b)) {
    if (c.fast) c.send_reject(b);
    else c.close("more than 4096 requests queued");
  }
}

status torrent::read_block(const block_ref& b, std::span<std::byte> out) {
  // Never opened again here: a read queued before a remove with its data must not create the files anew.
  if (!storage_) return error{meta_->name + ": the torrent's files are closed"};
  return storage_->read(static_cast<int>(b.piece), b.begin, out);
}

void torrent::on_closed(peer_connection& c, std::string_view why) {
  // Users (and the swarm tests) read where the data came from and went to.
  if (c.downloaded + c.uploaded > 0)
    spdlog::info("{}: peer {} ({}) gone: got {} bytes from it, sent {} bytes to it ({})", meta_->name, c.name(),
                 c.client, c.downloaded, c.uploaded, why);
  else
    spdlog::debug("{}: peer {} ({}) left: {}", meta_->name, c.name(), c.client, why);
  return_requests(c);
  if (metadata_) metadata_->remove_peer(c.id());
  if (transfer_) transfer_->pex.erase(c.id());
  if (c.bitfield_counted) picker().remove_peer(c.peer_has);
  c.bitfield_counted = false;
  if (super_seeding()) super_seeder_->remove_peer(c.id());
  // A peer that left waits 2 s before we dial it again; not one that deactivate() closed (the metadata arrived,
  // a pause): the next activation dials it at once, and may have dialled it already.
  if (transfer_ && c.generation == generation_)
    if (auto it = transfer_->candidates.find(c.name()); it != transfer_->candidates.end()) {
      it->second.connected = false;
      it->second.next_try = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }
  const bool was_unchoked = !c.am_choking;
  if (std::erase_if(peers_, [&](const auto& p) { return p.get() == &c; }) != 0 && link_->peers_total != nullptr)
    --link_->peers_total->used;
  if (peers_.empty()) close_files();
  if (!active()) return;
  if (was_unchoked) unchoke_more();
  // Its blocks are free again: hand them to the others.
  for (auto& other : std::vector(peers_)) fill_requests(*other);
}

}  // namespace shoal::session
