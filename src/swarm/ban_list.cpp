#include "shoal/swarm/ban_list.hpp"

#include <algorithm>
#include <cstring>

namespace shoal::swarm {

peer_key::peer_key(std::string_view text) noexcept {
  size_ = static_cast<std::uint8_t>(std::min(text.size(), capacity));
  std::memcpy(bytes_.data(), text.data(), size_);
}

namespace {

// Drops the entry with the smallest age. Linear, but only runs when a cap is hit.
template <class Map>
void evict_oldest(Map& map) {
  auto oldest = std::min_element(map.begin(), map.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
  if (oldest != map.end()) map.erase(oldest);
}

bool contains(const std::vector<peer_key>& keys, const peer_key& k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

}  // namespace

ban_list::ban_list(ban_limits limits) : limits_(limits) {}

ban_list::piece_record& ban_list::record_for(std::uint32_t piece) {
  auto it = pieces_.find(piece);
  if (it == pieces_.end()) {
    if (pieces_.size() >= limits_.max_pieces) {
      auto oldest = std::min_element(pieces_.begin(), pieces_.end(), [](const auto& a, const auto& b) {
        return a.second.touched < b.second.touched;
      });
      if (oldest != pieces_.end()) drop_piece(oldest);
    }
    it = pieces_.emplace(piece, piece_record{}).first;
    if (!spare_.empty()) {
      it->second.blocks = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  it->second.touched = ++clock_;
  return it->second;
}

void ban_list::drop_piece(std::unordered_map<std::uint32_t, piece_record>::iterator it) {
  if (spare_.size() < 64) {
    it->second.blocks.clear();
    spare_.push_back(std::move(it->second.blocks));
  }
  pieces_.erase(it);
}

void ban_list::record_block(std::uint32_t piece, std::uint32_t block, std::string_view peer) {
  if (limits_.max_pieces == 0 || block >= limits_.max_blocks_per_piece) return;
  auto& blocks = record_for(piece).blocks;
  if (blocks.size() <= block) blocks.resize(block + 1);
  blocks[block] = peer_key(peer);
}

void ban_list::add_ban(const peer_key& peer, std::vector<std::string>& out) {
  suspects_.erase(peer);
  if (limits_.max_banned == 0 || banned_.contains(peer)) return;
  if (banned_.size() >= limits_.max_banned) evict_oldest(banned_);
  banned_.emplace(peer, ++clock_);
  out.emplace_back(peer.view());
}

void ban_list::add_strike(const peer_key& peer, std::vector<std::string>& out) {
  if (banned_.contains(peer)) return;
  if (suspects_.contains(peer)) {
    add_ban(peer, out);  // second failed piece
    return;
  }
  if (limits_.max_suspects == 0) return;
  if (suspects_.size() >= limits_.max_suspects) evict_oldest(suspects_);
  suspects_.emplace(peer, ++clock_);
}

void ban_list::strike_pending(piece_record& rec, std::vector<std::string>& out) {
  std::vector<peer_key> struck;
  for (const failed_block& f : rec.failed) {
    if (contains(struck, f.peer)) continue;
    struck.push_back(f.peer);
    add_strike(f.peer, out);
  }
  rec.failed.clear();
}

std::vector<std::string> ban_list::piece_failed(std::uint32_t piece, std::span<const std::uint64_t> digests) {
  std::vector<std::string> out;
  auto it = pieces_.find(piece);
  if (it == pieces_.end()) return out;
  piece_record& rec = it->second;
  strike_pending(rec, out);  // failed twice without a verdict: the first attempt's strikes stand

  std::vector<peer_key> sources;
  for (const peer_key& k : rec.blocks)
    if (!k.view().empty() && !contains(sources, k)) sources.push_back(k);
  if (sources.size() == 1) {
    add_ban(sources.front(), out);  // nobody else to blame
  } else if (digests.empty()) {
    for (const peer_key& k : sources) add_strike(k, out);
  } else {
    for (std::uint32_t b = 0; b < rec.blocks.size(); ++b) {
      if (rec.blocks[b].view().empty()) continue;
      // A block without a digest cannot be judged later: its sender gets the strike now.
      if (b < digests.size()) {
        rec.failed.push_back({b, rec.blocks[b], digests[b]});
      } else {
        add_strike(rec.blocks[b], out);
      }
    }
  }
  if (rec.failed.empty()) {
    drop_piece(it);
  } else {
    rec.blocks.clear();  // the next attempt starts afresh
  }
  return out;
}

std::vector<std::string> ban_list::piece_passed(std::uint32_t piece, std::span<const std::uint64_t> digests) {
  std::vector<std::string> out;
  auto it = pieces_.find(piece);
  if (it == pieces_.end()) return out;
  if (digests.empty()) {
    strike_pending(it->second, out);  // cannot tell who lied: the plain rule applies
  } else {
    for (const failed_block& f : it->second.failed)
      if (f.block >= digests.size() || f.digest != digests[f.block]) add_ban(f.peer, out);
  }
  drop_piece(it);
  return out;
}

void ban_list::forget_piece(std::uint32_t piece) {
  auto it = pieces_.find(piece);
  if (it != pieces_.end()) drop_piece(it);
}

void ban_list::ban(std::string_view peer) {
  std::vector<std::string> ignored;
  add_ban(peer_key(peer), ignored);
}

bool ban_list::is_banned(std::string_view peer) const { return banned_.contains(peer_key(peer)); }

std::size_t ban_list::strikes(std::string_view peer) const {
  const peer_key k(peer);
  if (banned_.contains(k)) return 2;
  return suspects_.contains(k) ? 1 : 0;
}

}  // namespace shoal::swarm
