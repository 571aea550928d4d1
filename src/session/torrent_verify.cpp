// Where downloaded blocks go and how pieces are checked. Every block goes straight from the receive buffer to
// the file (still in this core's cache). While buffers last, a copy of the piece's blocks is also gathered in
// memory and the hashing pool hashes the whole piece, so SHA-1 overlaps with the network thread's receiving.
// Otherwise blocks are hashed on arrival on the network thread, and the pool reads back what came out of
// order. Verdicts come back to the network thread.
#include <cstring>
#include <memory>
#include <vector>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

namespace asio = boost::asio;

namespace shoal::session {

namespace {
// All gathering buffers of one torrent together: two 1 MiB pieces (one hashed, one arriving) keep both cores
// busy; more only grew the leech's peak RSS (4 MiB: 15.6-15.9 MiB, against 16 allowed).
constexpr std::size_t gather_budget = std::size_t{2} << 20;
}  // namespace

bool torrent::store_block(const block_ref& b, std::span<const std::byte> data) {
  const int piece = static_cast<int>(b.piece);
  auto& x = transfer();
  auto it = x.gathering.find(piece);
  // A piece none of whose blocks is on disk yet may be gathered, if a buffer is free.
  if (it == x.gathering.end() && !x.arriving.contains(piece)) {
    if (!x.buffers) x.buffers.emplace(meta_->piece_length, gather_budget);
    if (auto buf = x.buffers->take()) it = x.gathering.emplace(piece, std::move(buf)).first;
  }
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
void torrent::verify_gathered(int piece, piece_buffers::buffer data) {
  auto self = shared_from_this();
  const auto gen = generation_;
  const auto size = static_cast<std::size_t>(meta_->piece_size(piece));
  const auto expected = meta_->piece_hash(piece);
  asio::post(*link_->hash_pool, [self, piece, gen, size, expected, data = std::move(data)]() mutable {
    const auto bytes = std::span<const std::byte>(data.get(), size);
    sha1_hasher hasher;
    hasher.update(bytes.data(), bytes.size());
    const bool good = hasher.final() == expected;
    asio::post(self->link_->executor, [self, piece, gen, good, data = std::move(data)]() mutable {
      if (self->transfer_ && self->transfer_->buffers) self->transfer_->buffers->give_back(std::move(data));
      if (gen != self->generation_) return;  // paused, re-checked or stopped meanwhile: the check decides now
      self->on_verified(piece, good, {});
    });
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
    picker_.on_piece_failed(piece);
    ++hash_failures_;
    if (failures_.empty()) failures_.assign(static_cast<std::size_t>(meta_->piece_count()), 0);
    const int n = ++failures_[static_cast<std::size_t>(piece)];
    spdlog::warn("{}: piece {} failed its SHA-1 check ({} of {} tries)", meta_->name, piece, n, opt_.max_piece_failures);
    judge_failed(piece);
    if (n >= opt_.max_piece_failures) {
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
  picker_.on_piece_passed(piece);
  have_.set(static_cast<std::size_t>(piece));
  verified_since_event_.push_back(static_cast<std::uint32_t>(piece));
  ++downloaded_pieces_;
  if (downloaded_pieces_ == 1) flush_events(false);  // the first piece is news at once; the rest go once a second
  last_progress_ = std::chrono::steady_clock::now();
  // To every peer, those that have the piece too (as libtorrent's send_redundant_have): a super-seed learns
  // from it that its offer arrived, and every peer learns what we can serve.
  for (auto& c : peers_) c->send_have(static_cast<std::uint32_t>(piece));
  unchoke_more();  // peers that asked before we had anything get their slots now
  if (picker_.complete()) complete();
}

}  // namespace shoal::session
