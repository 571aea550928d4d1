#include "shoal/swarm/piece_picker.hpp"

#include <algorithm>
#include <limits>

namespace shoal::swarm {

piece_picker::piece_picker(int piece_count, std::int64_t piece_length, std::int64_t total_length,
                           std::uint64_t random_seed)
    : geometry_(total_length, piece_length),
      state_(static_cast<std::size_t>(piece_count), piece_state::none),
      availability_(static_cast<std::size_t>(piece_count), 0),
      unstarted_(piece_count),
      bytes_left_(total_length),
      rng_(random_seed) {}

piece_picker::partial_piece* piece_picker::find_partial(int piece) {
  for (auto& p : partials_)
    if (p.piece == piece) return &p;
  return nullptr;
}

void piece_picker::set_have(int piece) {
  auto& s = state_[piece];
  if (s == piece_state::have) return;
  if (s == piece_state::none) --unstarted_;
  if (s == piece_state::partial || s == piece_state::verifying)
    std::erase_if(partials_, [&](const partial_piece& p) { return p.piece == piece; });
  s = piece_state::have;
  ++have_count_;
  bytes_left_ -= piece_size(piece);
}

bool piece_picker::wants_any_of(const bitfield& peer_has) const {
  for (int i = 0; i < piece_count(); ++i)
    if ((state_[i] == piece_state::none || state_[i] == piece_state::partial) && peer_has.get(i)) return true;
  return false;
}

void piece_picker::add_peer(const bitfield& peer_has) {
  for (int i = 0; i < piece_count(); ++i)
    if (peer_has.get(i)) ++availability_[i];
}

void piece_picker::remove_peer(const bitfield& peer_has) {
  for (int i = 0; i < piece_count(); ++i)
    if (peer_has.get(i) && availability_[i] > 0) --availability_[i];
}

void piece_picker::add_have(int piece) {
  if (availability_[piece] < std::numeric_limits<std::uint16_t>::max()) ++availability_[piece];
}

std::size_t piece_picker::take_free_blocks(partial_piece& p, std::size_t max, std::vector<block_ref>& out) {
  std::size_t n = 0;
  for (int b = 0; b < p.blocks && n < max && p.free > 0; ++b) {
    if (p.done[b] || p.requests[b] != 0) continue;
    p.requests[b] = 1;
    --p.free;
    out.push_back(geometry_.block(p.piece, b));
    ++n;
  }
  return n;
}

// One scan for the lowest availability among the pieces this peer can give us, starting at a random place
// so that peers asking at the same moment spread over equally rare pieces. Starts up to `want` pieces of that
// availability at once: one scan per refill, not one per piece (the scan is O(pieces)).
int piece_picker::start_rarest(const bitfield& peer_has, int want) {
  const int count = piece_count();
  if (count == 0 || unstarted_ == 0 || want <= 0) return 0;
  const int start = static_cast<int>(rng_() % static_cast<std::uint64_t>(count));
  const bool any_rarity = have_count_ + static_cast<int>(partials_.size()) < initial_random_;
  unsigned best_avail = std::numeric_limits<unsigned>::max();
  std::vector<int>& found = candidates_;
  found.clear();
  for (int k = 0; k < count; ++k) {
    int i = start + k;
    if (i >= count) i -= count;
    if (state_[i] != piece_state::none || !peer_has.get(static_cast<std::size_t>(i))) continue;
    if (any_rarity) {
      found.push_back(i);
      if (static_cast<int>(found.size()) == want) break;
      continue;
    }
    if (availability_[i] < best_avail) {
      best_avail = availability_[i];
      found.clear();
    }
    if (availability_[i] == best_avail && static_cast<int>(found.size()) < want) found.push_back(i);
    if (best_avail <= 1 && static_cast<int>(found.size()) == want) break;  // nothing is rarer than one copy
  }
  for (int piece : found) start_piece(piece);
  return static_cast<int>(found.size());
}

void piece_picker::start_piece(int piece) {
  state_[piece] = piece_state::partial;
  --unstarted_;
  partial_piece p;
  p.piece = piece;
  p.blocks = blocks_in_piece(piece);
  p.free = p.blocks;
  p.requests.assign(static_cast<std::size_t>(p.blocks), 0);
  p.done.assign(static_cast<std::size_t>(p.blocks), 0);
  partials_.push_back(std::move(p));
}

std::size_t piece_picker::take_piece(int piece, std::vector<block_ref>& out) {
  if (piece < 0 || piece >= piece_count()) return 0;
  if (state_[piece] == piece_state::none) start_piece(piece);
  if (state_[piece] != piece_state::partial) return 0;
  partial_piece* p = find_partial(piece);
  return p == nullptr ? 0 : take_free_blocks(*p, static_cast<std::size_t>(p->blocks), out);
}

std::size_t piece_picker::pick_free(const bitfield& peer_has, std::size_t max, std::vector<block_ref>& out) {
  std::size_t n = 0;
  for (auto& p : partials_) {
    if (n == max) return n;
    if (state_[p.piece] == piece_state::partial && p.free > 0 && peer_has.get(p.piece))
      n += take_free_blocks(p, max - n, out);
  }
  const auto per_piece = static_cast<std::size_t>(std::max(1, blocks_in_piece(0)));
  while (n < max) {
    const std::size_t first = partials_.size();
    const int want = static_cast<int>((max - n + per_piece - 1) / per_piece);
    if (start_rarest(peer_has, want) == 0) break;
    for (std::size_t i = first; i < partials_.size() && n < max; ++i) n += take_free_blocks(partials_[i], max - n, out);
  }
  return n;
}

piece_picker::block_result piece_picker::on_block(const block_ref& b, int& other_requests) {
  other_requests = 0;
  if (b.piece >= state_.size() || state_[b.piece] != piece_state::partial) return block_result::unexpected;
  partial_piece* p = find_partial(static_cast<int>(b.piece));
  if (p == nullptr || !geometry_.is_block(b)) return block_result::unexpected;
  const int idx = block_geometry::block_index(b.begin);
  if (p->done[idx]) return block_result::unexpected;
  if (p->requests[idx] == 0) --p->free;  // unrequested but wanted: take it
  other_requests = p->requests[idx] > 0 ? p->requests[idx] - 1 : 0;
  p->requests[idx] = 0;
  p->done[idx] = 1;
  if (++p->received < p->blocks) return block_result::accepted;
  state_[b.piece] = piece_state::verifying;
  return block_result::piece_complete;
}

void piece_picker::on_request_dropped(const block_ref& b) {
  if (b.piece >= state_.size() || state_[b.piece] != piece_state::partial) return;
  partial_piece* p = find_partial(static_cast<int>(b.piece));
  if (p == nullptr) return;
  const int idx = block_geometry::block_index(b.begin);
  if (idx >= p->blocks || p->done[idx] || p->requests[idx] == 0) return;
  if (--p->requests[idx] == 0) ++p->free;
}

void piece_picker::on_piece_passed(int piece) { set_have(piece); }

void piece_picker::on_piece_failed(int piece) {
  if (state_[piece] == piece_state::have) return;
  std::erase_if(partials_, [&](const partial_piece& p) { return p.piece == piece; });
  if (state_[piece] != piece_state::none) ++unstarted_;
  state_[piece] = piece_state::none;
}

}  // namespace shoal::swarm
