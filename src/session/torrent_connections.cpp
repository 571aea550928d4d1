// A torrent's connections: which peers it accepts, attaching a handshaken socket, candidates and dialling.
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/read.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"
#include "shoal/peer/handshake_io.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/data_check.hpp"
#include "shoal/storage/remove_data.hpp"
#include "shoal/util/byte_size.hpp"
#include "shoal/tracker/client/announcer.hpp"
#include "shoal/wire/ext/metadata_assembler.hpp"
#include "shoal/wire/ext/ut_metadata.hpp"
#include "shoal/wire/handshake.hpp"
#include "shoal/wire/frame_decoder.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::session {

bool torrent::accepts_peers() const {
  if (stopping_ || seeding_done_) return false;
  const auto s = lifecycle_.state();
  return s == torrent_state::downloading || s == torrent_state::seeding || s == torrent_state::queued_for_check ||
         s == torrent_state::checking || s == torrent_state::fetching_metadata;
}

// Two peers that dial each other at once end up with two connections. Both sides keep the one dialled by the
// peer with the lower peer id (each side decides the same way, so the same connection survives on both ends);
// a second connection from the side that dialled the first one is refused. A connection that carries data, or
// has been up for a while, is kept whoever dialled it: closing it would send the blocks in flight twice (a seed
// leaving at --seed-ratio 1 cannot afford that), and the new one is new on both ends, so both decide alike
// (crossing dials meet before any data flows). True: refuse the new connection.
bool torrent::keep_existing_duplicate(const std::array<std::uint8_t, 20>& peer_id, bool outgoing) {
  constexpr auto settled_after = 2s;  // far longer than the handshakes of two crossing dials take
  auto it = std::find_if(peers_.begin(), peers_.end(),
                         [&](const auto& c) { return !c->closed() && c->peer_id == peer_id; });
  if (it == peers_.end()) return false;
  auto existing = *it;
  if (existing->outgoing == outgoing) return true;
  if (existing->downloaded + existing->uploaded > 0 ||
      std::chrono::steady_clock::now() - existing->attached_at > settled_after)
    return true;
  const auto& dialler_of_new = outgoing ? link_->peer_id : peer_id;
  const auto& dialler_of_existing = existing->outgoing ? link_->peer_id : peer_id;
  if (dialler_of_existing < dialler_of_new) return true;
  existing->close("duplicate connection to the same peer");
  return false;
}

// Opened with the first peer, as the check left the files (created, sized: nothing is allocated again).
bool torrent::open_storage() {
  if (storage_ || metadata_) return true;  // a magnet has no files yet
  auto st = storage::open(meta_, *root_, opt_->seed_only ? storage::open_mode::read_only : storage::open_mode::create);
  if (!st) {
    fail("cannot open the data again: " + st.message());
    return false;
  }
  storage_ = std::make_shared<storage>(std::move(*st));
  return true;
}

void torrent::attach(asio::ip::tcp::socket socket, std::string name, const std::array<std::uint8_t, 20>& peer_id,
                     bool outgoing, peer::handshake_bits bits) {
  // A leech keeps a few spare slots for incoming peers beyond the ones it dials; a seed only takes incoming ones.
  const std::size_t limit = opt_->seed_only ? opt_->max_peers : opt_->max_peers + 10;
  if (!active() || seeding_done_) return;
  if (peers_.size() >= limit) {
    spdlog::debug("{}: refused {}: --max-peers connections open", meta_->name, name);
    return;
  }
  if (banned(name)) {
    spdlog::debug("{}: refused banned peer {}", meta_->name, name);
    return;
  }
  if (keep_existing_duplicate(peer_id, outgoing)) {
    spdlog::debug("{}: {}: already connected to that peer", meta_->name, name);
    return;
  }
  if (link_->peers_total != nullptr && link_->peers_total->full()) {
    spdlog::debug("{}: refused {}: --max-peers-total connections open", meta_->name, name);
    return;
  }
  if (!open_storage()) return;
  if (link_->peers_total != nullptr) ++link_->peers_total->used;
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  if (!ec) note_own_address(peer_address::from_ip(local.address().to_string(), local.port()));
  auto c = std::make_shared<peer::peer_connection>(std::move(socket), *this, std::move(name),
                                                   static_cast<std::size_t>(meta_->piece_count()));
  c->peer_id = peer_id;
  c->generation = generation_;
  c->outgoing = outgoing;
  c->client = wire::client_name(peer_id);
  c->extensions = bits.extensions;
  c->fast = bits.fast;
  const std::uint16_t our_dht_port = dht_port();
  c->dht = bits.dht && our_dht_port != 0;
  peers_.push_back(c);
  ++peers_seen_;
  next_tick_ = std::min(next_tick_, std::chrono::steady_clock::now());  // an idle seed ticks each second again
  spdlog::debug("{}: peer {} ({}) connected ({} peers)", meta_->name, c->name(), c->client, peers_.size());
  if (c->fast) greet_fast(*c);
  else if (super_seeding()) super_seed_refill(*c);  // pieces revealed one by one, never a bitfield
  else if (have_count() > 0) c->send_bitfield(have_.bytes());
  if (c->extensions) send_extended_handshake(*c);
  if (c->dht) c->send_port(our_dht_port);  // BEP 5: after the bitfield, which must come first
  c->start();
}

void torrent::add_candidates(const std::vector<peer_address>& peers, peer_source source) {
  if (peers.empty()) return;
  auto& candidates = transfer().candidates;
  for (const auto& a : peers) {
    if (a.port == 0) continue;
    auto key = a.to_string();
    if (candidates.size() >= 1000 && !candidates.contains(key)) break;  // bounded
    candidates.try_emplace(key, candidate{a}).first->second.sources |= source;
  }
  if (may_dial()) connect_more();
}

// Seeds dial too (as libtorrent's and Transmission's do): a leech behind NAT, or one that never dials out, is
// reached only that way. Trackers hand a seed only leechers; a peer found complete is not dialled again.
// A seed dials only hosts it has no connection with (libtorrent's default is one connection per IP): a leech
// that reached us already would otherwise get a second connection, and the one the duplicate rule closes may be
// carrying a piece, which a seed with --seed-ratio cannot afford to send twice.
bool torrent::connected_to_host(const peer_address& a) const {
  return std::any_of(peers_.begin(), peers_.end(), [&](const auto& c) {
    auto other = peer_address::parse(c->name());
    return other && other->v6 == a.v6 && other->ip == a.ip;
  });
}

bool torrent::may_dial() const {
  return active() && !seeding_done_;
}

void torrent::connect_more() {
  const auto now = std::chrono::steady_clock::now();
  const bool seeding = !fetching_metadata() && complete_data();
  if (!transfer_) return;  // no candidate yet
  for (auto& [key, cand] : transfer_->candidates) {
    if (peers_.size() + connecting_ >= opt_->max_peers) return;
    if (link_->peers_total != nullptr && link_->peers_total->full(connecting_)) return;
    if (cand.connected || cand.failures >= 8 || cand.next_try > now || banned(key)) continue;
    if (seeding && (cand.complete || connected_to_host(cand.addr))) continue;
    cand.connected = true;
    ++connecting_;
    auto self = shared_from_this();
    const auto gen = generation_;
    asio::co_spawn(link_->executor, [self, a = cand.addr, gen] { return self->connect(a, gen); },
                   net::report_exception("connect"));
  }
}

asio::awaitable<void> torrent::connect(peer_address addr, std::uint64_t generation) {
  auto self = shared_from_this();
  const auto key = addr.to_string();
  peer::handshake_params hp{meta_->info_hash, link_->peer_id, dht_port() != 0};
  auto peer = co_await peer::connect_and_handshake(link_->executor, addr, hp, 10s);
  if (generation != generation_) co_return;  // paused or stopped meanwhile (connecting_ was reset then)
  --connecting_;
  auto& candidates = transfer().candidates;
  auto it = candidates.find(key);
  if (!peer) {
    spdlog::debug("{}: {}: {}", meta_->name, key, peer.message());
    if (it != candidates.end()) {
      it->second.connected = false;
      // Our own address, handed back by a tracker: never again.
      it->second.failures += peer.message() == "connected to ourselves" ? 100 : 1;
      it->second.next_try = std::chrono::steady_clock::now() + std::chrono::seconds(1 << std::min(it->second.failures, 6));
    }
    co_return;
  }
  if (!active()) co_return;
  attach(std::move(peer->socket), key, peer->peer_id, true, peer->bits);
}


}  // namespace shoal::session
