#include "shoal/peer/peer_connection.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include "shoal/net/spawn.hpp"
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "shoal/wire/encode.hpp"
#include "shoal/wire/ext/extended_message.hpp"
#include "shoal/wire/frame_decoder.hpp"

namespace asio = boost::asio;

namespace shoal::peer {

namespace {
// Big reads keep syscalls few at high rates; a piece frame (<= 128 KiB + 13) always fits.
constexpr std::size_t receive_buffer_size = 256 * 1024;
// One write's blocks: held per uploading peer (a leech in a swarm uploads to several). 256 KiB cost a swarm leech
// 1 MiB more peak RSS and saved the seed no CPU, before and after whole_batch below (docs/performance.md).
constexpr std::size_t batch_bytes = 128 * 1024;
// A peer may queue this many requests with us; more is abuse (and unbounded memory).
constexpr std::size_t max_upload_queue = 4096;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
// Asio's own completion conditions hand the socket at most 64 KiB per call, so a 128 KiB batch of blocks took three
// sendmsg calls (the last one for the headers' few bytes) and as many trips through the reactor. This one offers
// the socket everything not yet sent, in as few calls as the socket will take it.
std::size_t whole_batch(const boost::system::error_code& ec, std::size_t) {
  return ec ? 0 : std::numeric_limits<std::size_t>::max();
}
}  // namespace

peer_connection::peer_connection(asio::ip::tcp::socket socket, connection_events& owner, std::string name,
                                 std::size_t piece_count)
    : peer_has(piece_count),
      socket_(std::move(socket)),
      owner_(&owner),
      name_(std::move(name)),
      wake_(socket_.get_executor()),
      pace_(socket_.get_executor()),
      rbuf_(new char[receive_buffer_size]) {
  last_received = last_sent = last_block = clock::now();
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void peer_connection::start() {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), [self]() { return self->reader(); }, net::report_exception("peer reader"));
  asio::co_spawn(socket_.get_executor(), [self]() { return self->writer(); }, net::report_exception("peer writer"));
}

void peer_connection::close(std::string_view why) {
  if (closed_) return;
  closed_ = true;
  spdlog::debug("peer {}: closed: {}", name_, why);
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  wake_.cancel();
  pace_.cancel();
  if (auto* limit = owner_->upload_limiter()) limit->leave(id());
  auto* owner = std::exchange(owner_, nullptr);
  owner->on_closed(*this, why);
}

void peer_connection::wake() { wake_.cancel(); }

void peer_connection::send_bitfield(std::string_view bytes) { wire::append_bitfield(outbox_, bytes); wake(); }
void peer_connection::send_have(std::uint32_t piece) { wire::append_have(outbox_, piece); wake(); }
void peer_connection::send_keep_alive() { wire::append_keep_alive(outbox_); wake(); }
void peer_connection::send_port(std::uint16_t port) { wire::append_port(outbox_, port); wake(); }
void peer_connection::send_have_all(bool all) {
  wire::append_simple(outbox_, all ? wire::message_id::have_all : wire::message_id::have_none);
  wake();
}
void peer_connection::send_reject(const block_ref& b) {
  wire::append_reject(outbox_, b.piece, b.begin, b.length);
  wake();
}
void peer_connection::send_allowed_fast(std::uint32_t piece) {
  wire::append_allowed_fast(outbox_, piece);
  wake();
}

void peer_connection::send_extended(std::uint8_t ext_id, std::string_view payload) {
  wire::ext::append_extended(outbox_, ext_id, payload);
  wake();
}

void peer_connection::send_choke(bool choke) {
  if (am_choking == choke) return;
  am_choking = choke;
  wire::append_simple(outbox_, choke ? wire::message_id::choke : wire::message_id::unchoke);
  if (choke && fast) {  // BEP 6: each dropped request is rejected; allowed-fast ones stay queued
    std::erase_if(uploads_, [&](const block_ref& b) {
      if (std::find(allowed_fast_out.begin(), allowed_fast_out.end(), b.piece) != allowed_fast_out.end()) return false;
      wire::append_reject(outbox_, b.piece, b.begin, b.length);
      return true;
    });
  } else if (choke) {
    uploads_.clear();  // BEP 3: a choke discards the peer's pending requests
  }
  wake();
}

void peer_connection::send_interested(bool interested) {
  if (am_interested == interested) return;
  am_interested = interested;
  wire::append_simple(outbox_, interested ? wire::message_id::interested : wire::message_id::not_interested);
  wake();
}

// Requests are not woken one by one: the torrent appends a batch and wakes once.
void peer_connection::send_request(const block_ref& b) { wire::append_request(outbox_, b.piece, b.begin, b.length); }
void peer_connection::send_cancel(const block_ref& b) { wire::append_cancel(outbox_, b.piece, b.begin, b.length); }

bool peer_connection::queue_upload(const block_ref& b) {
  if (uploads_.size() >= max_upload_queue) return false;
  uploads_.push_back(b);
  wake();
  return true;
}

void peer_connection::cancel_upload(const block_ref& b) {
  auto it = std::find(uploads_.begin(), uploads_.end(), b);
  if (it == uploads_.end()) return;
  uploads_.erase(it);
  if (fast) send_reject(b);  // BEP 6: a cancel is answered with the block or a reject
}

asio::awaitable<void> peer_connection::reader() {
  auto self = shared_from_this();
  while (!closed_) {
    if (tail_ == receive_buffer_size) {  // only a partial frame is left: move it to the front
      std::memmove(rbuf_.get(), rbuf_.get() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    }
    // Under --max-download-rate a read takes at most the bucket's burst: a full buffer's worth would take the
    // tokens of seconds at once and then stall as long, so the peer would be served in bursts, not at the rate.
    std::size_t room = receive_buffer_size - tail_;
    if (const auto* limit = owner_->download_limiter(); limit != nullptr)
      if (const auto burst = limit->tightest_burst(); burst != 0) room = std::min<std::size_t>(room, burst);
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(rbuf_.get() + tail_, room), use_nothrow);
    if (ec) {
      close(ec == asio::error::eof ? "peer closed the connection" : ec.message());
      co_return;
    }
    if (closed_) co_return;  // closed by the owner while the read completed
    tail_ += n;
    last_received = clock::now();
    // --max-download-rate: not reading delays the sender through TCP's window.
    if (auto* limit = owner_->download_limiter()) {
      for (auto wait = limit->request(n, clock::now()); wait.count() > 0 && !closed_;
           wait = limit->request(n, clock::now())) {
        pace_.expires_after(wait);
        co_await pace_.async_wait(use_nothrow);
      }
      if (closed_) co_return;
    }
    if (!handle_frames()) co_return;
    if (head_ == tail_) head_ = tail_ = 0;
  }
}

bool peer_connection::handle_frames() {
  const auto& limits = owner_->limits();
  while (!closed_) {
    auto step = wire::decode_frame(std::string_view(rbuf_.get() + head_, tail_ - head_), limits);
    switch (step.kind) {
      case wire::decode_step::need_more:
        if (step.needed > receive_buffer_size) {
          close("frame of " + std::to_string(step.needed) + " bytes is too large");
          return false;
        }
        if (head_ + step.needed > receive_buffer_size) {  // make room for the whole frame
          std::memmove(rbuf_.get(), rbuf_.get() + head_, tail_ - head_);
          tail_ -= head_;
          head_ = 0;
        }
        return true;
      case wire::decode_step::fail:
        close("protocol error: " + step.error);
        return false;
      case wire::decode_step::skipped:
        head_ += step.consumed;
        break;
      case wire::decode_step::ok:
        // The message (a piece's payload included) points into rbuf_: handled before the bytes are reused.
        owner_->on_message(*this, step.msg);
        head_ += step.consumed;
        break;
    }
  }
  return false;
}

// Under --max-upload-rate: how long until the next queued block may go (zero: now, or nothing to send).
clock::duration peer_connection::upload_wait() {
  auto* limit = owner_->upload_limiter();
  if (limit == nullptr) return clock::duration::zero();
  if (!may_upload() || uploads_.empty()) {
    limit->leave(id());  // out of the turns while it has nothing to send
    return clock::duration::zero();
  }
  return limit->wait_for(uploads_.front().length, clock::now(), id());
}

// Serves queued requests while unchoked: several blocks per write, each after its 13-byte header, each taking its
// tokens from the upload buckets first. Blocks that follow each other in one piece (a peer asks in order) are read
// with one call: a system call costs more than the copy of a 16 KiB block here.
std::size_t peer_connection::gather_uploads(std::vector<asio::const_buffer>& bufs) {
  std::size_t count = 0, bytes = 0;
  auto* limit = owner_->upload_limiter();
  // Under a limit the bucket is shared with the torrent's other connections: take turns with them (the
  // limiter's queue), and at most an eighth of the bucket per write.
  std::size_t most = batch_bytes;
  if (const auto burst = limit != nullptr ? limit->tightest_burst() : 0; burst != 0)
    most = std::clamp<std::size_t>(burst / 8, 1, batch_bytes);
  while (may_upload() && !uploads_.empty() && count < batch_blocks && bytes < most) {
    if (limit != nullptr && limit->request(uploads_.front().length, clock::now(), id()) != clock::duration::zero())
      break;
    sent_refs_[count++] = uploads_.front();
    bytes += uploads_.front().length;
    uploads_.pop_front();
  }
  sent_count_ = count;
  if (payload_.size() < bytes) payload_.resize(bytes);
  std::size_t at = 0;
  for (std::size_t i = 0; i < count;) {
    block_ref run = sent_refs_[i];
    std::size_t j = i + 1;
    for (; j < count && sent_refs_[j].piece == run.piece && sent_refs_[j].begin == run.begin + run.length; ++j)
      run.length += sent_refs_[j].length;
    if (auto st = owner_->read_block(run, std::span(payload_.data() + at, run.length)); !st) {
      close("reading piece " + std::to_string(run.piece) + ": " + st.message());
      return 0;
    }
    for (; i < j; ++i) {
      const block_ref& b = sent_refs_[i];
      wire::write_piece_header(headers_[i].data(), b.piece, b.begin, b.length);
      bufs.emplace_back(headers_[i].data(), headers_[i].size());
      bufs.emplace_back(payload_.data() + at, b.length);
      at += b.length;
    }
  }
  return bytes;
}

asio::awaitable<void> peer_connection::writer() {
  auto self = shared_from_this();
  std::vector<asio::const_buffer> bufs;
  bufs.reserve(2 * batch_blocks + 1);
  while (!closed_) {
    const auto wait = upload_wait();
    const bool can_upload = may_upload() && !uploads_.empty() && wait == clock::duration::zero();
    if (outbox_.empty() && !can_upload) {
      // Woken early by new messages (wake() cancels), or when the upload bucket has tokens again.
      if (wait == clock::duration::zero()) wake_.expires_at(asio::steady_timer::time_point::max());
      else wake_.expires_after(wait);
      co_await wake_.async_wait(use_nothrow);
      continue;
    }
    sending_.swap(outbox_);
    outbox_.clear();
    bufs.clear();
    if (!sending_.empty()) bufs.emplace_back(sending_.data(), sending_.size());
    const std::size_t payload = gather_uploads(bufs);
    if (closed_) co_return;
    auto [ec, n] = co_await asio::async_write(socket_, bufs, whole_batch, use_nothrow);
    if (ec) {
      close("write: " + ec.message());
      co_return;
    }
    if (closed_) co_return;
    last_sent = clock::now();
    uploaded += payload;
    if (payload != 0) owner_->on_uploaded(*this, std::span(sent_refs_.data(), sent_count_), payload);
  }
}

}  // namespace shoal::peer
