// Two nodes on loopback: B announces two torrents to A, then looks them up again and finds its own announces
// at A. Peers reach B's node-level handler with their info hash; a report handler is kept only for the
// torrent that was tracked with one, and re-tracking replaces it.
#include "shoal/dht/node.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include <boost/asio/io_context.hpp>

#include "io_run.hpp"

namespace {

using namespace std::chrono_literals;

shoal::sha1_digest hash_of(std::uint8_t b) {
  shoal::sha1_digest d;
  d.bytes.fill(b);
  return d;
}

}  // namespace

TEST(DhtNode, PeersReachTheNodeHandlerWithTheirHashAndReportsOnlyWhereAsked) {
  boost::asio::io_context io;
  std::map<shoal::sha1_digest, std::set<std::uint16_t>> found;  // B's: info hash -> ports received
  shoal::dht::node_options oa;
  oa.bind_host = "127.0.0.1";
  shoal::dht::node a(io.get_executor(), oa);
  ASSERT_TRUE(a.start());
  shoal::dht::node_options ob;
  ob.bind_host = "127.0.0.1";
  ob.bootstrap = {"127.0.0.1:" + std::to_string(a.port())};
  ob.found = [&](const shoal::sha1_digest& ih, const std::vector<shoal::peer_address>& peers) {
    for (const auto& p : peers) found[ih].insert(p.port);
  };
  shoal::dht::node b(io.get_executor(), ob);
  ASSERT_TRUE(b.start());
  ASSERT_TRUE(shoal::test::run_io_until(
      io, [&] { return b.stats().table_size > 0; }, 20s));

  const auto x = hash_of(0x11), y = hash_of(0x22);
  std::vector<shoal::sha1_digest> reports;
  b.track(x, 4242, [&](const shoal::dht::lookup_report& r) { reports.push_back(r.info_hash); });
  b.track(y, 4343);
  // Both lookups reached A (B's only node) and announced there; only x reported.
  ASSERT_TRUE(shoal::test::run_io_until(
      io, [&] { return !reports.empty() && a.stats().peers_stored == 2; }, 20s));
  EXPECT_EQ(reports, std::vector<shoal::sha1_digest>{x});
  EXPECT_TRUE(found.empty());  // A held nothing yet

  // Tracked again: looked up at the next tick; A now answers with B's announces, each under its own hash.
  int second_reports = 0;
  b.track(x, 4242, [&](const shoal::dht::lookup_report&) { ++second_reports; });
  b.track(y, 4343);
  ASSERT_TRUE(shoal::test::run_io_until(
      io, [&] { return found.size() == 2 && second_reports > 0; }, 20s));
  EXPECT_EQ(found[x], std::set<std::uint16_t>{4242});
  EXPECT_EQ(found[y], std::set<std::uint16_t>{4343});
  EXPECT_EQ(reports.size(), 1u);  // the first handler was replaced

  // Untracked: a lookup still in flight delivers nothing more, and none starts again.
  b.untrack(x);
  b.untrack(y);
  found.clear();
  io.run_for(1s);
  EXPECT_TRUE(found.empty());
  EXPECT_EQ(second_reports, 1);
  a.stop();
  b.stop();
}
