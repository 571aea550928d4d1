// Where downloaded blocks go and how pieces are checked. Every block goes straight from the receive buffer to
// the file (still in this core's cache). While buffers last, a copy of the piece's blocks is also gathered in
// memory and the hashing pool hashes the whole piece, so SHA-1 overlaps with the network thread's receiving.
// Otherwise blocks are hashed on arrival on the network thread, and the pool reads back what came out of
// order. Verdicts come back to the network thread.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"
#include "shoal/hash/sha1_pair.hpp"

namespace asio = boost::asio;

namespace shoal::session {

namespace {
// All gathering buffers of one torrent together. Hashing in pairs needs four pieces' worth: a pair on the pool,
// one waiting for its partner and one arriving; with three 1 MiB buffers a fast peer's pieces found none free one
// time in eight (under Debian's default congestion control) and were hashed on the network thread instead.
// Four pieces' worth when it fits in 4 MiB, else 3 MiB (small pieces: many buffers; a swarm's pieces arriving side
// by side would take any budget, and a leech stays within 16 MiB).
constexpr std::size_t gather_floor = std::size_t{3} << 20;
constexpr std::size_t gather_ceiling = std::size_t{4} << 20;
constexpr std::size_t pieces_for_pairs = 4;
std::size_t gather_budget(std::int64_t piece_length) {
  return std::max(gather_floor, std::min(gather_ceiling, pieces_for_pairs * static_cast<std::size_t>(piece_length)));
}
// How long a lone gathered piece waits for a partner. At the rates where pairing pays the next 1 MiB piece comes
// within a millisecond or two; at slow rates a piece goes alone, this much later.
constexpr auto partner_time = std::chrono::milliseconds(5);
}  // namespace

bool torrent::store_block(const block_ref& b, std::span<const std::byte> data) {
  const int piece = static_cast<int>(b.piece);
  auto& x = transfer();
  auto it = x.gathering.find(piece);
  // A piece none of whose blocks is on disk yet may be gathered, if a buffer is free.
  if (it == x.gathering.end() && !x.arriving.contains(piece)) {
    if (!x.buffers) x.buffers.emplace(meta_->piece_length, gather_budget(meta_->piece_length));
    if (auto buf = x.buffers->take()) it = x.gathering.emplace(piece, std::move(buf)).first;
  }
  // The files were let go with the last peer (or a pause) while this block was on its way: open them again, as
  // the picker took the block; never for a torrent being stopped or removed (its files may be gone on purpose).
  if (!storage_ && (stopping_ || !open_storage())) return false;
  if (!storage_) return false;  // a magnet before its metadata has no files (its picker takes no block either)
  // Straight from the receive buffer to the file, while the block is still in this core's cache.
  if (auto st = storage_->write(piece, b.begin, data); !st) {
    fail("cannot write piece " + std::to_string(b.piece) + ": " + st.message());
    return false;
  }
  // The picker accepted the block: it lies inside the piece.
  if (it != x.gathering.end()) std::memcpy(it->second.get() + b.begin, data.data(), data.size());
  else x.arriving[piece].on_block(b.begin, data);
  return true;
}

// A gathered piece (already on disk): the pool hashes it; the buffer comes back with the verdict.
// Every queued piece has a job to take it: one is posted for each second piece queued, and one when the wait for
// a lone piece's partner ends (a job that finds the queue empty does nothing).
void torrent::verify_gathered(int piece, piece_buffers::buffer data) {
  auto& x = transfer();
  if (!x.to_hash) x.to_hash = std::make_shared<gathered_queue>();
  auto q = x.to_hash;
  std::size_t queued = 0;
  {
    std::lock_guard lock(q->mu);
    q->pieces.push_back({piece, generation_, static_cast<std::size_t>(meta_->piece_size(piece)),
                         meta_->piece_hash(piece), std::move(data)});
    queued = q->pieces.size();
  }
  auto self = shared_from_this();
  // Alone while another piece is being gathered, or may be (a buffer is free and blocks are on their way: a peer
  // sends a piece's blocks in order, so the next piece's first block comes after this one's last): it waits for
  // that piece, to be hashed with it.
  const bool partner_coming =
      !x.gathering.empty() ||
      (x.buffers->out() < x.buffers->capacity() &&
       std::any_of(peers_.begin(), peers_.end(), [](const auto& c) { return !c->inflight.empty(); }));
  if (queued == 1 && partner_coming) {
    if (x.partner_waiting) return;
    if (!x.partner_wait) x.partner_wait = std::make_unique<asio::steady_timer>(link_->executor);
    x.partner_waiting = true;
    x.partner_wait->expires_after(partner_time);
    x.partner_wait->async_wait([self, q](const boost::system::error_code&) {
      if (self->transfer_) self->transfer_->partner_waiting = false;
      asio::post(*self->link_->hash_pool, [self, q] { hash_gathered(self, q); });
    });
    return;
  }
  asio::post(*link_->hash_pool, [self, q] { hash_gathered(self, q); });
}

// On the pool: up to two queued pieces, hashed at once when there are two.
void torrent::hash_gathered(const std::shared_ptr<torrent>& self, const std::shared_ptr<gathered_queue>& q) {
  auto taken = std::make_shared<std::vector<gathered_piece>>();
  {
    std::lock_guard lock(q->mu);
    while (taken->size() < 2 && !q->pieces.empty()) {
      taken->push_back(std::move(q->pieces.front()));
      q->pieces.pop_front();
    }
  }
  if (taken->empty()) return;  // an earlier job took this one along with its own
  std::array<bool, 2> good{};
  auto bytes = [&](std::size_t k) { return reinterpret_cast<const unsigned char*>((*taken)[k].data.get()); };
  if (taken->size() == 2) {
    sha1_pair pair;
    const auto common = std::min((*taken)[0].size, (*taken)[1].size);
    pair.update(bytes(0), bytes(1), common);
    for (std::size_t k = 0; k < 2; ++k) {
      if ((*taken)[k].size > common) pair.update(static_cast<int>(k), bytes(k) + common, (*taken)[k].size - common);
      good[k] = pair.final(static_cast<int>(k)) == (*taken)[k].expected;
    }
  } else {
    sha1_hasher hasher;
    hasher.update(bytes(0), (*taken)[0].size);
    good[0] = hasher.final() == (*taken)[0].expected;
  }
  asio::post(self->link_->executor, [self, taken, good] {
    for (auto& t : *taken)
      if (self->transfer_ && self->transfer_->buffers) self->transfer_->buffers->give_back(std::move(t.data));
    for (std::size_t k = 0; k < taken->size(); ++k)  // paused, re-checked or stopped meanwhile: the check decides now
      if ((*taken)[k].generation == self->generation_) self->on_verified((*taken)[k].piece, good[k], {});
  });
}

// Most pieces not gathered arrive in order and were hashed block by block in store_block: the verdict is
// ready here, with no read-back. Otherwise the pool reads back only what came out of order.
void torrent::verify_piece(int piece) {
  auto& x = transfer();
  if (auto gathered = x.gathering.extract(piece)) {
    verify_gathered(piece, std::move(gathered.mapped()));
    return;
  }
  auto node = x.arriving.extract(piece);
  auto arrived = std::make_shared<arrival_hash>();
  if (node) *arrived = std::move(node.mapped());
  auto self = shared_from_this();
  const auto gen = generation_;
  if (arrived->hashed() == meta_->piece_size(piece)) {
    const bool good = arrived->hasher().final() == meta_->piece_hash(piece);
    asio::post(link_->executor, [self, piece, gen, good] {
      if (gen == self->generation_) self->on_verified(piece, good, {});
    });
    return;
  }
  // The job holds the storage itself: delete_data() may drop the torrent's reference meanwhile.
  if (!storage_ && !open_storage()) return;
  asio::post(*link_->hash_pool, [self, st = storage_, piece, gen, arrived] {
    // Per hashing thread, reused: bounded memory whatever the piece length.
    thread_local std::vector<std::byte> scratch(256 * 1024);
    auto good = st->verify_piece(piece, *arrived, scratch);
    asio::post(self->link_->executor, [self, piece, gen, good = std::move(good)]() mutable {
      if (gen != self->generation_) return;  // paused, re-checked or stopped meanwhile: the check decides now
      if (good) self->on_verified(piece, *good, {});
      else self->on_verified(piece, false, good.message());
    });
  });
}

void torrent::on_verified(int piece, bool good, std::string error) {
  if (!running()) return;
  if (!error.empty()) {
    fail("cannot read back piece " + std::to_string(piece) + ": " + error);
    return;
  }
  if (!good) {
    picker().on_piece_failed(piece);
    ++hash_failures_;
    auto& failures = transfer().failures;
    if (failures.empty()) failures.assign(static_cast<std::size_t>(meta_->piece_count()), 0);
    const int n = ++failures[static_cast<std::size_t>(piece)];
    spdlog::warn("{}: piece {} failed its SHA-1 check ({} of {} tries)", meta_->name, piece, n, opt_->max_piece_failures);
    judge_failed(piece);
    if (n >= opt_->max_piece_failures) {
      fail("piece " + std::to_string(piece) + " failed its SHA-1 check " + std::to_string(n) +
           " times: no peer sends correct data");
      return;
    }
    if (!running()) return;
    retry_from_one_peer(piece);
    for (auto& c : std::vector(peers_)) fill_requests(*c);
    return;
  }
  judge_passed(piece);
  picker().on_piece_passed(piece);
  have_.set(static_cast<std::size_t>(piece));
  transfer().verified_since_event.push_back(static_cast<std::uint32_t>(piece));
  ++downloaded_pieces_;
  if (downloaded_pieces_ == 1) flush_events(false);  // the first piece is news at once; the rest go once a second
  last_progress_ = std::chrono::steady_clock::now();
  // To every peer, those that have the piece too (as libtorrent's send_redundant_have): a super-seed learns
  // from it that its offer arrived, and every peer learns what we can serve.
  for (auto& c : peers_) c->send_have(static_cast<std::uint32_t>(piece));
  unchoke_more();  // peers that asked before we had anything get their slots now
  if (complete_data()) complete();
}

}  // namespace shoal::session
