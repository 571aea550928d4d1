#pragma once
// An iterative lookup (find_node or get_peers, BEP 5): query the closest nodes known, alpha at a time; each
// reply brings closer nodes; done when the K closest nodes seen have all replied (or nothing is left to
// ask). Pure: the node sends what next() returns and reports replies and timeouts. It counts round trips as
// the longest chain of dependent queries: a node we started with is asked in round 1, a node a round-r node
// named is asked in round r + 1 (with alpha in flight, wall time on a fast network follows this chain).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "shoal/dht/node_id.hpp"

namespace shoal::dht {

struct lookup_limits {
  std::size_t alpha = 3;          // queries in flight
  std::size_t k = 8;              // how many closest nodes must reply
  std::size_t max_candidates = 64;  // closest candidates kept; farther ones are dropped
  std::size_t max_queries = 200;    // a hard stop against endless bogus nodes
};

class lookup {
 public:
  lookup(node_id target, lookup_limits limits = {});

  const node_id& target() const { return target_; }

  // Candidates from our table (`via` null: asked in round 1), or the "nodes" of the reply from `via` (asked one
  // round after it). Unknown addresses are added; a duplicate only keeps the earlier round of the two.
  void add_candidates(const std::vector<node_info>& nodes, const peer_address* via = nullptr);

  // The nodes to query now (marked in flight): fills up to alpha in flight.
  std::vector<node_info> next();

  // A reply from the node at `from` (its id as it says). `token` is kept for announce_peer.
  void on_reply(const peer_address& from, const node_id& id, const std::optional<std::string>& token);
  void on_failure(const peer_address& from);

  bool done() const;
  std::size_t queries() const { return queries_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t replies() const { return replies_; }
  // The deepest round any query was sent in (0 before the first).
  std::size_t round_trips() const { return round_trips_; }

  // The closest nodes that replied, with their tokens (for announce_peer after a get_peers lookup).
  struct replied_node {
    node_info node;
    std::string token;
  };
  std::vector<replied_node> closest_replied() const;

 private:
  enum class state { fresh, in_flight, replied, failed };
  struct candidate {
    node_info node;
    state st = state::fresh;
    std::string token;
    std::size_t round = 1;
  };
  candidate* find(const peer_address& a);

  node_id target_;
  lookup_limits limits_;
  std::vector<candidate> candidates_;  // sorted by distance to target
  std::size_t in_flight_ = 0;
  std::size_t queries_ = 0;
  std::size_t replies_ = 0;
  std::size_t round_trips_ = 0;
};

}  // namespace shoal::dht
