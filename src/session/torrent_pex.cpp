// BEP 11 peer exchange over BEP 10: each neighbour that speaks ut_pex is told (pex_state decides when and what)
// the peers we are connected to, by their listen addresses; the peers neighbours name become candidates.
// Private torrents (BEP 27) do neither.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/addr/peer_address.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"
#include "shoal/wire/ext/extended_message.hpp"
#include "shoal/wire/ext/ut_pex.hpp"

namespace shoal::session {

using peer::peer_connection;
namespace ext = wire::ext;

bool torrent::pex_allowed() const { return !meta_->is_private; }

// Where a connected peer takes connections: the address we dialled, or (incoming) its IP with the port its
// extended handshake gave. Unknown for an incoming peer that named no port: it cannot be passed on.
std::optional<peer_address> torrent::listen_address_of(const peer_connection& c) const {
  auto a = peer_address::parse(c.name());
  if (!a) return std::nullopt;
  if (c.outgoing) return a;
  if (!c.ext || !c.ext->listen_port) return std::nullopt;
  a->port = *c.ext->listen_port;
  return a;
}

// Their extended handshake arrived: a neighbour that speaks ut_pex gets its first message within 30 s.
void torrent::pex_start(peer_connection& c) {
  if (!pex_allowed() || c.ext->id_of(ext::ut_pex_name) == 0) return;
  transfer().pex.try_emplace(c.id(), std::chrono::steady_clock::now());
}

void torrent::pex_tick(std::chrono::steady_clock::time_point now) {
  if (!transfer_ || transfer_->pex.empty()) return;
  auto& pex = transfer_->pex;
  std::vector<ext::pex_peer> connected;
  for (const auto& c : peers_) {
    if (c->closed()) continue;
    auto a = listen_address_of(*c);
    if (!a) continue;
    std::uint8_t flags = 0;
    if (c->bitfield_counted && c->peer_has.size() > 0 && c->peer_has.all()) flags |= ext::pex_flag::seed;
    if (c->outgoing) flags |= ext::pex_flag::reachable;  // we reached it: others can too
    connected.push_back({*a, flags});
  }
  for (auto& c : std::vector(peers_)) {
    auto it = pex.find(c->id());
    if (it == pex.end() || c->closed() || !c->ext) continue;
    const std::uint8_t theirs = c->ext->id_of(ext::ut_pex_name);
    if (theirs == 0) continue;  // switched off by a later handshake
    auto m = it->second.poll(now, connected, listen_address_of(*c));
    if (!m) continue;
    spdlog::debug("{}: peer exchange to {}: {} added, {} dropped", meta_->name, c->name(), m->added.size(),
                  m->dropped.size());
    c->send_extended(theirs, ext::encode_pex(*m));
  }
}

void torrent::on_ut_pex(peer_connection& c, std::string_view payload) {
  if (!pex_allowed()) return;  // we never offered it: a private torrent takes peers from its trackers only
  auto m = ext::decode_pex(payload);
  if (!m) {  // one bad message costs nothing but itself (libtorrent's PEX may be odd, never dangerous)
    spdlog::debug("{}: peer {}: ut_pex message ignored: {}", meta_->name, c.name(), m.message());
    return;
  }
  const auto& own = transfer().own_addresses;
  std::vector<peer_address> fresh;
  std::size_t ours = 0;
  for (const auto& p : m->added) {
    if (std::find(own.begin(), own.end(), p.address) != own.end()) {
      ++ours;
      continue;
    }
    if (banned(p.address.to_string())) continue;
    fresh.push_back(p.address);
  }
  spdlog::debug("{}: peer exchange from {}: {} added ({} ours, {} over the cap), {} dropped", meta_->name, c.name(),
                m->added.size(), ours, m->skipped, m->dropped.size());
  // Dropped peers are left to their own timeouts: a neighbour losing one says nothing about our chances.
  add_candidates(fresh, from_pex);
}

// The addresses peers can reach us at (each local end of a connection, at our listen port): a neighbour handing
// one back is naming us. Bounded: a host has few addresses.
void torrent::note_own_address(const std::optional<peer_address>& local) {
  if (!local || link_->listen_port == 0) return;
  auto& own = transfer().own_addresses;
  if (own.size() >= 16) return;
  peer_address a = *local;
  a.port = link_->listen_port;
  if (std::find(own.begin(), own.end(), a) == own.end()) own.push_back(a);
}

}  // namespace shoal::session
