#pragma once
// The tracker's UDP front end (BEP 15), without any sockets: one datagram and its source
// address in, the reply datagram out (or none). It only decodes requests, checks
// connection ids and encodes replies; tracker_logic decides, as for HTTP.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "shoal/tracker/protocol/udp_connection_ids.hpp"
#include "shoal/tracker/server/tracker_logic.hpp"

namespace shoal::tracker {

// A datagram as received; `truncated` when it was longer than the receive buffer.
struct udp_datagram {
  std::string_view bytes;
  bool truncated = false;
  peer_origin from;
};

class udp_front_end {
 public:
  udp_front_end(tracker_logic& logic, const siphash_key& connection_key)
      : logic_(logic), ids_(connection_key) {}

  using done_fn = std::function<void(std::size_t reply_length)>;

  // Thread-safe. Writes the reply into `out` (at least udp_tracker::min_reply_buffer
  // bytes; its size bounds the peers of an announce) and returns its length, 0 for no
  // reply: datagrams too short to carry a transaction id and connects without the
  // protocol id are dropped. An announce or scrape whose connection id we did not issue in
  // the last two minutes gets an error packet, never peers. `now` is seconds since the
  // tracker started, `unix_now` wall-clock seconds (connection ids). The length goes to
  // `done`, maybe before this returns, maybe later on a store's thread; `in.bytes`,
  // `scratch` and `out` must live until then.
  void handle(const udp_datagram& in, std::uint32_t now, std::uint64_t unix_now,
              request_scratch& scratch, std::span<std::uint8_t> out, done_fn done);

 private:
  void announce(std::string_view packet, std::uint32_t transaction_id, const peer_origin& from,
                std::uint32_t now, request_scratch& scratch, std::span<std::uint8_t> out,
                done_fn done);
  void scrape(std::string_view packet, std::uint32_t transaction_id, request_scratch& scratch,
              std::span<std::uint8_t> out, done_fn done);
  std::size_t error(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                    std::string_view message);

  tracker_logic& logic_;
  udp_tracker::connection_ids ids_;
};

}  // namespace shoal::tracker
