#pragma once
// The logic and front ends complete through callbacks; over the in-memory store they do
// so before returning. These run one call and fail the test if it did not complete.
#include <gtest/gtest.h>

#include "shoal/tracker/server/http_front_end.hpp"
#include "shoal/tracker/server/tracker_logic.hpp"
#include "shoal/tracker/server/udp_front_end.hpp"

namespace shoal::tracker::testing {

inline announce_outcome announce_now(tracker_logic& logic, const announce_request& q,
                                     const peer_origin& from, std::uint32_t now,
                                     std::vector<swarm_peer>& peers) {
  announce_outcome out;
  bool done = false;
  logic.announce(q, from, now, peers, [&](const announce_outcome& o) {
    out = o;
    done = true;
  });
  EXPECT_TRUE(done) << "announce did not complete at once";
  return out;
}

inline std::string_view scrape_now(tracker_logic& logic, std::span<const sha1_digest> hashes,
                                   std::vector<scrape_file>& files) {
  std::string_view why = "(not completed)";
  logic.scrape(hashes, files, [&](std::string_view w) { why = w; });
  return why;
}

inline void handle_now(http_front_end& http, std::string_view target, const peer_origin& from,
                       std::uint32_t now, request_scratch& scratch, http_reply& reply) {
  bool done = false;
  http.handle(target, from, now, scratch, reply, [&] { done = true; });
  EXPECT_TRUE(done) << target << " did not complete at once";
}

inline std::size_t handle_now(udp_front_end& front, const udp_datagram& d, std::uint32_t now,
                              std::uint64_t unix_now, request_scratch& scratch,
                              std::span<std::uint8_t> out) {
  std::size_t n = 0;
  bool done = false;
  front.handle(d, now, unix_now, scratch, out, [&](std::size_t len) {
    n = len;
    done = true;
  });
  EXPECT_TRUE(done) << "datagram not answered at once";
  return n;
}

inline store_totals totals_now(async_swarm_store& store) {
  store_totals t;
  store.totals([&](const store_status&, const store_totals& v) { t = v; });
  return t;
}

// A store that is never there, as a Redis store is while Redis is down.
class unreachable_store final : public async_swarm_store {
 public:
  void announce(const peer_announce&, std::size_t, std::vector<swarm_peer>&,
                announce_done done) override {
    done(down(), {});
  }
  void scrape(std::span<const sha1_digest>, std::vector<scrape_file>&, fill_done done) override {
    done(down());
  }
  void scrape_all(std::vector<scrape_file>&, fill_done done) override { done(down()); }
  void expire(std::uint32_t, expire_done done) override { done(down(), 0); }
  void totals(totals_done done) override { done(down(), {}); }
  void shared_key(std::string_view, std::string, key_done done) override { done(down(), {}); }
  std::string describe() const override { return "unreachable"; }

 private:
  static store_status down() { return {store_errc::unavailable, "test: connection refused"}; }
};

}  // namespace shoal::tracker::testing
