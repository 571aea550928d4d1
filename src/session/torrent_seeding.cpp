// Seeding policy: super-seeding (BEP 16: the seed reveals pieces a few at a time with have messages instead of
// a bitfield) and --seed-ratio (stop serving once uploaded >= ratio x size, then leave cleanly).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/peer/peer_connection.hpp"
#include "shoal/net/spawn.hpp"
#include "shoal/session/torrent.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::session {

namespace {
// An offer the peer has not completed in this time goes to someone else (the peer may still ask for it).
constexpr auto offer_max_age = 60s;
// Long enough for the last replies to leave the socket buffers and for requests already on the way to be
// read (closing with unread bytes would reset the connection and could drop data still queued to send).
constexpr auto drain_before_leaving = 1s;
}  // namespace

void torrent::super_seed_refill(peer::peer_connection& c) {
  if (!super_seeding() || c.closed() || seeding_done_) return;
  std::vector<int> reveal;
  super_seeder_->refill(c.id(), c.peer_has, picker(), std::chrono::steady_clock::now(), reveal);
  for (int piece : reveal) {
    spdlog::debug("{}: super-seeding: piece {} offered to {}", meta_->name, piece, c.name());
    c.send_have(static_cast<std::uint32_t>(piece));
  }
}

void torrent::super_seed_tick(std::chrono::steady_clock::time_point now) {
  if (!super_seeding()) return;
  super_seeder_->expire(now, offer_max_age);
  for (auto& c : std::vector(peers_)) super_seed_refill(*c);
}

void torrent::on_uploaded(peer::peer_connection& c, std::span<const block_ref> blocks, std::uint64_t bytes) {
  uploaded_ += bytes;
  if (super_seeding()) {
    bool closed = false;
    for (const auto& b : blocks)
      closed |= super_seeder_->on_sent(c.id(), static_cast<int>(b.piece), b.length,
                                       static_cast<std::uint64_t>(meta_->piece_size(static_cast<int>(b.piece))));
    if (closed) super_seed_refill(c);
  }
  check_seed_ratio();
}

void torrent::check_seed_ratio() {
  if (opt_->seed_ratio <= 0 || seeding_done_ || !active()) return;
  if (!opt_->seed_only && !complete_data()) return;
  if (static_cast<double>(uploaded_) >= opt_->seed_ratio * static_cast<double>(meta_->total_length)) finish_seeding();
}

void torrent::finish_seeding() {
  seeding_done_ = true;
  spdlog::info("{}: seed ratio {:.2f} reached: uploaded {} bytes ({:.2f} copies); leaving", meta_->name,
               opt_->seed_ratio, uploaded_, static_cast<double>(uploaded_) / static_cast<double>(meta_->total_length));
  for (auto& c : std::vector(peers_)) {
    c->allowed_fast_out.clear();  // no more uploads, allowed-fast ones included
    c->send_choke(true);          // queued requests are dropped (rejected, under BEP 6)
    c->clear_uploads();           // a peer choked already may still have allowed-fast ones queued
  }
  auto self = shared_from_this();
  asio::co_spawn(link_->executor, [self] { return self->leave_after_drain(); }, net::report_exception("leave"));
}

asio::awaitable<void> torrent::leave_after_drain() {
  auto self = shared_from_this();
  asio::steady_timer wait(link_->executor);
  wait.expires_after(drain_before_leaving);
  co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  left_ = true;
  pause();  // finished: stopped announced, nothing more to do
}

}  // namespace shoal::session
