#pragma once
// BEP 15 connection ids without a table: an id is a keyed hash (SipHash-2-4) of the
// client's address and a coarse time bucket, so issuing one stores nothing and a flood of
// connects fills no memory. An id is accepted in its own bucket and the next one, so it
// lives between one and two bucket lengths (BEP 15 asks for about two minutes). Processes
// given the same key and clock accept each other's ids. The port is left out on purpose:
// a NAT may move a client's port between connect and announce, and what the id proves is
// that the client receives datagrams at its address.
#include <cstdint>
#include <string_view>

#include "shoal/hash/siphash.hpp"
#include "shoal/tracker/protocol/announce_response.hpp"

namespace shoal::udp_tracker {

class connection_ids {
 public:
  static constexpr std::uint64_t bucket_seconds = 60;

  explicit connection_ids(const siphash_key& key) : key_(key) {}
  // A key from a shared secret (any text): every process given it accepts the others' ids.
  static siphash_key key_from_secret(std::string_view secret);
  // A key from the system's random source, for a process that shares with nobody.
  static siphash_key random_key();

  // `unix_seconds` is wall-clock time, so processes on different hosts agree on buckets.
  std::uint64_t issue(const tracker::ip_bytes& ip, bool v6, std::uint64_t unix_seconds) const;
  bool valid(std::uint64_t id, const tracker::ip_bytes& ip, bool v6,
             std::uint64_t unix_seconds) const;

 private:
  std::uint64_t id_for(const tracker::ip_bytes& ip, bool v6, std::uint64_t bucket) const;

  siphash_key key_;
};

}  // namespace shoal::udp_tracker
