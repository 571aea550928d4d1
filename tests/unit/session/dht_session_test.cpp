// The session's DHT node with real sockets on 127.0.0.1 (bootstrap nodes that do not exist, so every contact a
// node makes comes from what the test arranges): the BEP 5 port message between peers, the node's life with
// private torrents (BEP 27), and its id and contacts carried from one node to the next.
#include <algorithm>

#include "engine_fixture.hpp"
#include "shoal/metainfo/magnet.hpp"

namespace {

using shoal::dht::node_state;

class DhtSession : public Engine {
 protected:
  node& make_dht_session(std::optional<node_state> restore = std::nullopt) {
    return make_session([&](shoal::session::session_options& o) {
      o.dht = true;
      o.dht_bootstrap = {"127.0.0.1:1"};  // nobody: no contact but the ones the test makes
      o.dht_state = restore;
    });
  }

  // The session's node knows a node at 127.0.0.1:port (and, when given, with that id).
  static bool knows(const node& n, std::uint16_t port, const std::optional<shoal::dht::node_id>& id = {}) {
    auto st = n.s->dht_state();
    if (!st) return false;
    return std::any_of(st->nodes.begin(), st->nodes.end(), [&](const shoal::dht::node_info& i) {
      return i.address.to_string() == "127.0.0.1:" + std::to_string(port) && (!id || i.id == *id);
    });
  }
};

// Neither node bootstraps anywhere: they learn of each other only through the port message of the peer
// connection (the receiver pings the node it names and adds it when it answers; the pinged node adds the pinger).
TEST_F(DhtSession, ThePortMessagePutsThePeersNodeInTheRoutingTable) {
  auto& seed = make_dht_session();
  auto& leech = make_dht_session();
  const auto sid = add(seed, seed_options());
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  ASSERT_TRUE(seed.s->dht_running());
  const auto lid = add(leech, leech_options(seed, "leech"));
  ASSERT_TRUE(run_until([&] { return knows(seed, leech.s->port()) && knows(leech, seed.s->port()); }))
      << "the nodes never learned of each other";
  EXPECT_TRUE(knows(seed, leech.s->port(), leech.s->dht_state()->id));
  EXPECT_TRUE(knows(leech, seed.s->port(), seed.s->dht_state()->id));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }));
}

// BEP 27: a private torrent's handshake has no DHT bit and no port message goes out; a process whose torrents are
// all private runs no node.
TEST_F(DhtSession, PrivateTorrentsRunNoNodeAndSendNoPortMessage) {
  meta_ = make_metainfo(dir / "seed" / "movie.bin", true);
  ASSERT_TRUE(meta_.is_private);
  auto& seed = make_dht_session();
  auto& leech = make_dht_session();
  const auto sid = add(seed, seed_options());
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  const auto lid = add(leech, leech_options(seed, "leech"));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }));
  EXPECT_FALSE(seed.s->dht_running());
  EXPECT_FALSE(leech.s->dht_running());
  EXPECT_FALSE(seed.s->dht_state().has_value());
}

// A magnet's privacy is unknown until its metadata arrives: its node runs meanwhile, and stops once the metadata
// says private (it was the process's only torrent). The torrent completes from its own peers.
TEST_F(DhtSession, AMagnetWhoseMetadataIsPrivateStopsTheNode) {
  meta_ = make_metainfo(dir / "seed" / "movie.bin", true);
  auto& seed = make_dht_session();
  auto& leech = make_dht_session();
  const auto sid = add(seed, seed_options());
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  shoal::magnet_link link;
  link.info_hash = meta_.info_hash;
  link.peers.push_back(*shoal::peer_address::from_ip("127.0.0.1", seed.s->port()));
  torrent_options o;
  o.root = dir / "magnet";
  o.hash_threads = 1;
  o.timeout = 60s;
  auto lid = leech.s->add_magnet(link, o);
  ASSERT_TRUE(lid) << lid.message();
  EXPECT_TRUE(leech.s->dht_running());
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, *lid) == 1; }));
  ASSERT_TRUE(run_until([&] { return !leech.s->dht_running(); })) << "the node still runs";
  EXPECT_TRUE(leech.s->dht_state().has_value());  // kept for a node that may come later
  EXPECT_EQ(read(dir / "magnet" / "movie.bin"), content_);
}

// A node saved earlier comes back with its id and contacts: the restored contact answers and is good again. When
// its last torrent leaves, the node stops and its state is kept for the next one.
TEST_F(DhtSession, ARestoredNodeKeepsItsIdAndContacts) {
  auto& other = make_dht_session();
  add(other, seed_options());
  ASSERT_TRUE(run_until([&] { return other.s->dht_running(); }));
  const auto other_id = other.s->dht_state()->id;

  node_state saved;
  saved.id.bytes.fill(0x42);
  saved.nodes.push_back({other_id, *shoal::peer_address::from_ip("127.0.0.1", other.s->port())});
  auto& restored = make_dht_session(saved);
  EXPECT_EQ(restored.s->dht_state(), saved);  // before any node runs: what it was given
  const auto id = add(restored, seed_options());
  ASSERT_TRUE(run_until([&] { return restored.s->dht_running(); }));
  EXPECT_EQ(restored.s->dht_state()->id, saved.id);
  // The contact was asked (bootstrap) and answered; it learned of us in turn.
  ASSERT_TRUE(run_until([&] { return knows(other, restored.s->port(), saved.id); }));
  EXPECT_TRUE(knows(restored, other.s->port(), other_id));

  ASSERT_TRUE(restored.s->remove(id, false));
  EXPECT_FALSE(restored.s->dht_running());
  auto kept = restored.s->dht_state();
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->id, saved.id);
  EXPECT_TRUE(knows(restored, other.s->port(), other_id));
}

}  // namespace
