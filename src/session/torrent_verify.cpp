// SHA-1 checks of downloaded pieces: hashed on arrival on the network thread, the rest read back on the
// hashing pool; results come back to the network thread.
#include <memory>
#include <vector>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"

namespace asio = boost::asio;

namespace shoal::session {

// Most pieces arrive in order and were hashed block by block in on_piece: the verdict is ready here,
// with no read-back. Otherwise the pool reads back only what came out of order.
void torrent::verify_piece(int piece) {
  auto node = arriving_.extract(piece);
  auto arrived = std::make_shared<arrival_hash>();
  if (node) *arrived = std::move(node.mapped());
  auto self = shared_from_this();
  const auto gen = generation_;
  if (arrived->hashed() == meta_.piece_size(piece)) {
    const bool good = arrived->hasher().final() == meta_.piece_hash(piece);
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
    const int n = ++failures_[static_cast<std::size_t>(piece)];
    spdlog::warn("{}: piece {} failed its SHA-1 check ({} of {} tries)", meta_.name, piece, n, opt_.max_piece_failures);
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
  last_progress_ = std::chrono::steady_clock::now();
  // To every peer, those that have the piece too (as libtorrent's send_redundant_have): a super-seed learns
  // from it that its offer arrived, and every peer learns what we can serve.
  for (auto& c : peers_) c->send_have(static_cast<std::uint32_t>(piece));
  unchoke_more();  // peers that asked before we had anything get their slots now
  if (picker_.complete()) complete();
}

}  // namespace shoal::session
