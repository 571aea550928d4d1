#pragma once
// The BEP 5 routing table: buckets of at most K nodes. The bucket whose range holds our own id splits when
// full; the others keep their good nodes and replace bad ones. Time is passed in, so it is tested
// without clocks or sockets.
//
// Addresses are not filtered: loopback and private addresses, and several nodes on one IP, are accepted
// (tests and LANs run that way). BEP 42 (node ids derived from the public IP) is not enforced; if it is
// added, it must apply to public addresses only.
#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <vector>

#include "shoal/dht/node_id.hpp"

namespace shoal::dht {

using dht_clock = std::chrono::steady_clock;

inline constexpr std::size_t bucket_size = 8;  // K

struct routing_entry {
  node_info node;
  dht_clock::time_point last_reply{};   // epoch: never replied (only heard of)
  dht_clock::time_point last_query{};   // when it last queried us
  int failed_queries = 0;               // consecutive queries of ours it did not answer
};

enum class node_status { good, questionable, bad };

struct routing_limits {
  std::size_t max_nodes = 160 * bucket_size;  // bound on the table (buckets cannot exceed 160 anyway)
  std::size_t replacements_per_bucket = bucket_size;
  std::chrono::minutes good_for{15};          // a reply or a query within this keeps a node good
  int bad_after_failures = 2;
};

class routing_table {
 public:
  explicit routing_table(node_id self, routing_limits limits = {});

  const node_id& self() const { return self_; }

  // A node that replied to us (replied = true) or queried us, or one we only heard of from another node
  // (replied = false: it enters as questionable, only where there is room). Our own id is refused.
  // Returns whether the node is now in the table (not counting the replacement cache).
  bool heard_from(const node_info& n, dht_clock::time_point now, bool replied);

  // A query of ours timed out: after bad_after_failures the node is bad and a replacement takes its place.
  void failed(const peer_address& address);

  std::optional<routing_entry> find(const node_id& id) const;
  node_status status(const routing_entry& e, dht_clock::time_point now) const;

  // Up to `count` nodes that are not bad, closest to target first.
  std::vector<node_info> closest(const node_id& target, std::size_t count, dht_clock::time_point now) const;

  // Questionable nodes worth a ping (at most `count`).
  std::vector<node_info> to_ping(dht_clock::time_point now, std::size_t count) const;

  // Targets of buckets that saw no change within `interval` (a find_node for each refreshes them).
  std::vector<node_id> refresh_targets(dht_clock::time_point now, std::chrono::seconds interval,
                                       std::mt19937_64& rng);

  std::size_t size() const;
  std::size_t bucket_count() const { return buckets_.size(); }

 private:
  struct bucket {
    std::vector<routing_entry> nodes;
    std::vector<routing_entry> replacements;
    dht_clock::time_point last_changed{};
  };
  std::size_t bucket_index(const node_id& id) const;
  bool try_split();
  void promote_replacement(bucket& b);

  node_id self_;
  routing_limits limits_;
  // buckets_[i] holds the nodes sharing exactly i leading bits with us; the last one holds all the rest
  // (those sharing at least its index): it is the one holding our own id's range, the one that splits.
  std::vector<bucket> buckets_;
};

}  // namespace shoal::dht
