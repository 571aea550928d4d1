#include "shoal/tracker/server/udp_front_end.hpp"

#include <algorithm>
#include <string>

#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

namespace shoal::tracker {

namespace udp = udp_tracker;

void udp_front_end::handle(const udp_datagram& in, std::uint32_t now, std::uint64_t unix_now,
                           request_scratch& scratch, std::span<std::uint8_t> out, done_fn done) {
  auto head = udp::decode_request_head(in.bytes);
  if (!head) return done(0);
  const auto txid = head->transaction_id;
  if (head->action == udp::connect) {
    logic_.counters().add(tracker_count::udp_connects);
    return done(udp::write_connect_reply(out, txid, ids_.issue(in.from.ip, in.from.v6, unix_now)));
  }
  if (!ids_.valid(head->connection_id, in.from.ip, in.from.v6, unix_now)) {
    return done(error(out, txid, "unknown or expired connection id"));
  }
  if (in.truncated) {
    return done(error(out, txid, "request too long (a scrape carries at most 74 info-hashes)"));
  }
  switch (head->action) {
    case udp::announce: return announce(in.bytes, txid, in.from, now, scratch, out, std::move(done));
    case udp::scrape: return scrape(in.bytes, txid, scratch, out, std::move(done));
    default: return done(error(out, txid, "unknown action " + std::to_string(head->action)));
  }
}

void udp_front_end::announce(std::string_view packet, std::uint32_t transaction_id,
                             const peer_origin& from, std::uint32_t now,
                             request_scratch& scratch, std::span<std::uint8_t> out,
                             done_fn done) {
  auto q = udp::decode_announce_request(packet);
  if (!q) return done(error(out, transaction_id, q.message()));
  logic_.counters().add(tracker_count::udp_announces);
  // Ask the store for no more peers than the reply datagram can carry.
  int fit = static_cast<int>(udp::announce_response_capacity(out.size(), from.v6));
  int want = q->numwant < 0 ? logic_.config().default_numwant : q->numwant;
  q->numwant = std::min(want, fit);
  bool v6 = from.v6;
  logic_.announce(*q, from, now, scratch.peers,
                  [this, transaction_id, v6, &scratch, out, done = std::move(done)](
                      const announce_outcome& result) {
                    if (!result.refusal.empty()) {
                      return done(error(out, transaction_id, result.refusal));
                    }
                    done(udp::write_announce_response(out, transaction_id, result.head,
                                                   scratch.peers, v6));
                  });
}

void udp_front_end::scrape(std::string_view packet, std::uint32_t transaction_id,
                           request_scratch& scratch, std::span<std::uint8_t> out,
                           done_fn done) {
  if (auto st = udp::decode_scrape_request(packet, scratch.hashes); !st) {
    return done(error(out, transaction_id, st.message()));
  }
  logic_.counters().add(tracker_count::udp_scrapes);
  logic_.scrape(scratch.hashes, scratch.files,
                [this, transaction_id, &scratch, out, done = std::move(done)](std::string_view why) {
                  if (!why.empty()) return done(error(out, transaction_id, why));
                  done(udp::write_scrape_reply(out, transaction_id, scratch.files));
                });
}

std::size_t udp_front_end::error(std::span<std::uint8_t> out, std::uint32_t transaction_id,
                                 std::string_view message) {
  logic_.counters().add(tracker_count::udp_errors);
  return udp::write_error_reply(out, transaction_id, message);
}

}  // namespace shoal::tracker
