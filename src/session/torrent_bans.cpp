// Bad peers: every written block is recorded with its sender's IP address; a failed piece is judged by the ban
// list (a sole source is banned; shared failures wait for the block digests of the good copy) and fetched again
// from one peer, so the next check either convicts that peer alone or shows exactly which blocks were wrong.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/hash/sha1.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

namespace shoal::session {

namespace {

// "1.2.3.4:6881" -> "1.2.3.4", "[::1]:6881" or "::1:6881" -> "::1": a banned peer cannot return on another port.
std::string_view ip_of(std::string_view name) {
  const auto colon = name.rfind(':');
  if (colon != std::string_view::npos) name = name.substr(0, colon);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  return name;
}

}  // namespace

bool torrent::banned(std::string_view name) const { return bans_ && bans_->is_banned(ip_of(name)); }

void torrent::record_block(const peer::peer_connection& c, const block_ref& b) {
  if (!bans_) bans_ = std::make_unique<swarm::ban_list>();
  bans_->record_block(b.piece, block_geometry::block_index(b.begin), ip_of(c.name()));
}

std::vector<std::uint64_t> torrent::block_digests(int piece) {
  const auto geometry = meta_->geometry();
  const int blocks = geometry.blocks_in_piece(piece);
  std::vector<std::uint64_t> out(static_cast<std::size_t>(blocks), 0);
  if (!storage_ && !open_storage()) return out;  // the last peer left while the piece was hashed
  std::array<std::byte, block_size> buf{};
  for (int i = 0; i < blocks; ++i) {
    const block_ref b = geometry.block(piece, i);
    const auto len = static_cast<std::size_t>(b.length);
    if (!storage_->read(piece, b.begin, std::span(buf.data(), len))) continue;  // unreadable: digest 0 differs
    const auto d = sha1(buf.data(), len);
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | d.bytes[static_cast<std::size_t>(k)];
    out[static_cast<std::size_t>(i)] = v;
  }
  return out;
}

void torrent::judge_failed(int piece) {
  auto& retried = transfer().retried;
  if (retried.empty()) retried.assign(static_cast<std::size_t>(meta_->piece_count()), 0);
  retried[static_cast<std::size_t>(piece)] = 1;
  const auto digests = block_digests(piece);
  if (!bans_) bans_ = std::make_unique<swarm::ban_list>();
  apply_bans(bans_->piece_failed(static_cast<std::uint32_t>(piece), digests));
}

void torrent::judge_passed(int piece) {
  auto& retried = transfer().retried;
  if (retried.empty() || !retried[static_cast<std::size_t>(piece)]) {
    if (bans_) bans_->piece_passed(static_cast<std::uint32_t>(piece));
    return;
  }
  retried[static_cast<std::size_t>(piece)] = 0;
  const auto digests = block_digests(piece);
  apply_bans(bans_->piece_passed(static_cast<std::uint32_t>(piece), digests));  // judge_failed made it
}

void torrent::apply_bans(const std::vector<std::string>& banned_ips) {
  for (const auto& ip : banned_ips) {
    ++bans_count_;
    // Tests and users read this line.
    spdlog::warn("{}: banned peer {}: it sent data that failed the SHA-1 check", meta_->name, ip);
    for (auto& c : std::vector(peers_))
      if (ip_of(c->name()) == ip) c->close("banned");
  }
}

// The fastest peer that has the piece and lets us ask takes every block of it.
void torrent::retry_from_one_peer(int piece) {
  peer::peer_connection* best = nullptr;
  for (auto& c : peers_) {
    if (c->closed() || c->peer_choking || !c->peer_has.get(static_cast<std::size_t>(piece))) continue;
    if (best == nullptr || c->download_rate > best->download_rate) best = c.get();
  }
  if (best == nullptr) return;  // nobody can serve it now: the picker hands it out as usual later
  auto& scratch = transfer().scratch;
  scratch.clear();
  if (picker().take_piece(piece, scratch) == 0) return;
  best->send_interested(true);
  if (best->inflight.empty()) best->last_block = peer::clock::now();
  for (const auto& b : scratch) {
    best->inflight.push_back(b);
    best->send_request(b);
  }
  best->wake();
  spdlog::debug("{}: piece {} re-requested from {} alone", meta_->name, piece, best->name());
}

}  // namespace shoal::session
