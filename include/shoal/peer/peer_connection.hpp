#pragma once
// One peer wire connection (BEP 3) after the handshake: a reader coroutine that decodes frames in place from a
// large receive buffer, and a writer coroutine that batches small messages and piece replies into one gathered
// write. What the messages mean for the torrent (picker, storage, choking) is decided by its owner, reached
// through connection_events.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "shoal/peer/connection_events.hpp"
#include "shoal/swarm/piece_picker.hpp"
#include "shoal/swarm/request_pipeline.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/wire/ext/extended_handshake.hpp"

namespace shoal::peer {

using clock = std::chrono::steady_clock;

class peer_connection : public std::enable_shared_from_this<peer_connection> {
 public:
  // `owner` must stay valid until close() (which tells it last); it is never called after that.
  peer_connection(boost::asio::ip::tcp::socket socket, connection_events& owner, std::string name,
                  std::size_t piece_count);

  // Spawns the reader and the writer on the socket's executor.
  void start();
  // Idempotent: closes the socket, wakes the writer, tells the owner once and forgets it.
  void close(std::string_view why);
  bool closed() const { return closed_; }
  const std::string& name() const { return name_; }
  // The key the choker and super-seeder know this connection by.
  std::uint64_t id() const { return reinterpret_cast<std::uintptr_t>(this); }

  // Small messages: appended to the outbox, sent by the writer with the next flush.
  void send_bitfield(std::string_view bytes);
  void send_have(std::uint32_t piece);
  void send_choke(bool choke);
  void send_interested(bool interested);
  void send_request(const block_ref& b);
  void send_cancel(const block_ref& b);
  void send_keep_alive();
  // BEP 6 (only when `fast`): have all / have none, a reject for a request we will not serve, an allowed-fast
  // piece (served while we choke it).
  void send_have_all(bool all);
  void send_reject(const block_ref& b);
  void send_allowed_fast(std::uint32_t piece);
  // BEP 5: the UDP port of our DHT node (only when `dht`).
  void send_port(std::uint16_t port);
  // BEP 10: an extended message under the id the peer assigned (0: the extended handshake).
  void send_extended(std::uint8_t ext_id, std::string_view payload);
  // Bytes of small messages waiting for the writer (metadata replies are refused beyond a bound).
  std::size_t queued_bytes() const { return outbox_.size(); }
  // A request to serve (the writer reads the block from disk when the peer is unchoked).
  bool queue_upload(const block_ref& b);
  void cancel_upload(const block_ref& b);
  void clear_uploads() { uploads_.clear(); }
  void wake();

  std::array<std::uint8_t, 20> peer_id{};
  bool outgoing = false;  // we dialled it
  std::string client;     // the printable client part of its peer id, for logs
  bool extensions = false;  // its handshake had the BEP 10 bit
  std::optional<wire::ext::extended_handshake> ext;  // its extended handshake(s), merged
  // BEP 6: both handshakes had the fast bit. A choke then rejects queued requests one by one (allowed-fast ones
  // stay), a cancel is answered, and requests for allowed-fast pieces are served while it is choked.
  bool fast = false;
  std::vector<std::uint32_t> allowed_fast_out;  // pieces we let it fetch while we choke it
  std::vector<std::uint32_t> allowed_fast_in;   // pieces it lets us fetch while it chokes us (bounded)
  std::vector<std::uint32_t> suggested;         // its suggest messages: pieces to prefer (bounded)
  // BEP 5: both handshakes had the DHT bit (we sent our port message on attach).
  bool dht = false;
  std::uint16_t dht_port = 0;  // the port its port message gave (0: none yet); a node is added once per port

  // Protocol state, read and changed by the torrent.
  bitfield peer_has;
  bool bitfield_counted = false;  // peer_has is in the picker's availability
  std::uint64_t generation = 0;   // the torrent's activation it joined (a later one closed it on purpose)
  bool am_choking = true, am_interested = false;
  bool peer_choking = true, peer_interested = false;
  bool snubbed = false;                 // asked, got nothing for a long while: no new requests until it sends
  std::deque<block_ref> inflight;       // our requests to it, oldest first
  swarm::request_pipeline pipeline;     // how many requests we keep in flight with it
  std::uint64_t downloaded = 0, uploaded = 0;  // payload bytes
  std::uint64_t rate_mark = 0;          // `downloaded` at the last rate sample
  std::uint64_t download_rate = 0;      // bytes/s over the last sample
  std::uint64_t upload_mark = 0, upload_rate = 0;  // the same for what we sent it
  const clock::time_point attached_at = clock::now();  // the handshake completed (it is made on attach)
  clock::time_point choked_since = clock::now();  // by us: the choker's longest-waiting rule
  clock::time_point last_received, last_sent, last_block;

 private:
  boost::asio::awaitable<void> reader();
  boost::asio::awaitable<void> writer();
  bool handle_frames();  // false: protocol error, connection closed
  std::size_t gather_uploads(std::vector<boost::asio::const_buffer>& bufs);
  clock::duration upload_wait();
  // Under BEP 6 a choked peer's queue holds only allowed-fast requests (the rest were rejected): served.
  bool may_upload() const { return !am_choking || fast; }

  boost::asio::ip::tcp::socket socket_;
  connection_events* owner_;  // null once closed
  std::string name_;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer pace_;  // the reader's wait under --max-download-rate
  bool closed_ = false;

  // Receive: one large buffer, frames decoded in place; [head_, tail_) is unread.
  std::unique_ptr<char[]> rbuf_;
  std::size_t head_ = 0, tail_ = 0;

  // Send: small messages, and the blocks of one gathered write (buffers reused across writes).
  std::string outbox_, sending_;
  std::deque<block_ref> uploads_;
  static constexpr std::size_t batch_blocks = 16;
  std::array<std::array<std::uint8_t, 13>, batch_blocks> headers_{};
  std::vector<std::byte> payload_;  // the blocks of one write, back to back
  std::array<block_ref, batch_blocks> sent_refs_{};  // the blocks of the write in flight
  std::size_t sent_count_ = 0;
};

}  // namespace shoal::peer
