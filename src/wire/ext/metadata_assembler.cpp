#include "shoal/wire/ext/metadata_assembler.hpp"

#include <algorithm>
#include <cstring>
#include <set>

namespace shoal::wire::ext {

metadata_assembler::metadata_assembler(sha1_digest info_hash, metadata_limits limits,
                                       std::chrono::seconds request_timeout, std::size_t per_peer)
    : info_hash_(info_hash), limits_(limits), timeout_(request_timeout), per_peer_(std::max<std::size_t>(1, per_peer)) {}

status metadata_assembler::add_peer(peer_key p, std::int64_t size) {
  if (auto count = metadata_piece_count(size, limits_); !count) {
    remove_peer(p);
    return error{error_code::invalid_data, "metadata_size: " + count.message()};
  }
  auto& s = peers_[p];
  if (s.size != size) {
    drop_requests_of(p);
    s.size = size;
  }
  return ok();
}

void metadata_assembler::remove_peer(peer_key p) {
  drop_requests_of(p);
  peers_.erase(p);
  if (single_source_ == p) single_source_.reset();
}

std::int64_t metadata_assembler::claimed_size(peer_key p) const {
  auto it = peers_.find(p);
  return it == peers_.end() ? 0 : it->second.size;
}

bool metadata_assembler::distrusted(peer_key p) const {
  auto it = peers_.find(p);
  return it != peers_.end() && it->second.distrusted;
}

void metadata_assembler::drop_requests_of(peer_key p) {
  for (auto& piece : pieces_)
    if (piece.asked == p) piece.asked.reset();
  if (auto it = peers_.find(p); it != peers_.end()) it->second.inflight = 0;
}

bool metadata_assembler::target_has_claimant() const {
  return target_size_ != 0 &&
         std::any_of(peers_.begin(), peers_.end(), [&](const auto& kv) { return may_ask(kv.second); });
}

// The size most trusted peers (that have not rejected us) claim; ties go to the smaller size.
void metadata_assembler::choose_target() {
  std::map<std::int64_t, std::size_t> votes;
  for (const auto& [key, s] : peers_)
    if (!s.distrusted && !s.rejected && s.size > 0) ++votes[s.size];
  if (votes.empty()) return;
  auto best = std::max_element(votes.begin(), votes.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  if (best->first == target_size_) return;
  target_size_ = best->first;
  const auto count = metadata_piece_count(target_size_, limits_);  // checked in add_peer already
  pieces_.assign(count ? *count : 0, piece_state{});
  buffer_.assign(static_cast<std::size_t>(target_size_), '\0');
  received_count_ = 0;
  single_source_.reset();
  for (auto& [key, s] : peers_) s.inflight = 0;
}

void metadata_assembler::start_over() {
  for (auto& piece : pieces_) piece = piece_state{};
  received_count_ = 0;
  for (auto& [key, s] : peers_) s.inflight = 0;
}

// The first peer we may ask after `after` (wrapping around), or the first one at all.
std::optional<metadata_assembler::peer_key> metadata_assembler::pick_single_source(std::optional<peer_key> after) const {
  std::optional<peer_key> first;
  for (const auto& [key, s] : peers_) {
    if (!may_ask(s)) continue;
    if (!after || key > *after) return key;
    if (!first) first = key;
  }
  return first;
}

bool metadata_assembler::stalled(peer_key p, time_point now) const {
  return std::any_of(pieces_.begin(), pieces_.end(),
                     [&](const piece_state& piece) { return piece.asked == p && now - piece.asked_at >= timeout_; });
}

std::optional<std::uint32_t> metadata_assembler::next_request(peer_key p, time_point now) {
  if (complete_) return std::nullopt;
  auto it = peers_.find(p);
  if (it == peers_.end()) return std::nullopt;
  if (!target_has_claimant()) choose_target();
  auto& s = it->second;
  if (!may_ask(s) || s.inflight >= per_peer_) return std::nullopt;
  if (single_source_mode_) {
    if (single_source_ && stalled(*single_source_, now)) {  // the source went quiet: the next peer takes over
      const auto quiet = *single_source_;
      drop_requests_of(quiet);
      single_source_ = pick_single_source(quiet);
    }
    if (!single_source_) single_source_ = pick_single_source();
    if (single_source_ != p) return std::nullopt;
  }
  for (std::uint32_t i = 0; i < pieces_.size(); ++i) {
    auto& piece = pieces_[i];
    if (piece.received) continue;
    if (piece.asked && now - piece.asked_at < timeout_) continue;
    if (piece.asked) {  // timed out: the slow peer's slot frees, the piece goes to p
      if (auto slow = peers_.find(*piece.asked); slow != peers_.end() && slow->second.inflight > 0)
        --slow->second.inflight;
    }
    piece.asked = p;
    piece.asked_at = now;
    ++s.inflight;
    return i;
  }
  return std::nullopt;
}

void metadata_assembler::on_reject(peer_key p, std::uint32_t piece) {
  auto it = peers_.find(p);
  if (it == peers_.end()) return;
  (void)piece;
  drop_requests_of(p);
  it->second.rejected = true;
  if (single_source_ == p) single_source_.reset();
}

metadata_assembler::data_outcome metadata_assembler::on_data(peer_key p, std::uint32_t piece, std::string_view bytes,
                                                             time_point now) {
  (void)now;
  data_outcome out;
  auto it = peers_.find(p);
  if (complete_ || it == peers_.end() || !may_ask(it->second) || piece >= pieces_.size()) return out;
  auto& slot = pieces_[piece];
  if (slot.received) return out;
  if (single_source_mode_ && single_source_ != p) return out;
  if (static_cast<std::int64_t>(bytes.size()) != metadata_piece_length(target_size_, piece)) return out;
  if (slot.asked == p && it->second.inflight > 0) --it->second.inflight;
  slot.asked.reset();
  slot.received = true;
  slot.source = p;
  std::memcpy(buffer_.data() + static_cast<std::size_t>(piece) * metadata_piece_size, bytes.data(), bytes.size());
  ++received_count_;
  if (received_count_ < pieces_.size()) {
    out.what = verdict::stored;
    return out;
  }
  if (sha1(buffer_) == info_hash_) {
    complete_ = true;
    out.what = verdict::complete;
    return out;
  }
  ++failures_;
  out.what = verdict::hash_mismatch;
  std::set<peer_key> sources;
  for (const auto& ps : pieces_) sources.insert(ps.source);
  if (sources.size() == 1) {
    out.distrusted.push_back(*sources.begin());
    peers_[*sources.begin()].distrusted = true;
  }
  single_source_mode_ = true;  // from now on each attempt names its culprit
  single_source_.reset();
  start_over();
  return out;
}

}  // namespace shoal::wire::ext
