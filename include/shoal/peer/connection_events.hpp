#pragma once
// What a peer connection tells its owner (a torrent) and what it may read from it: the narrow interface peer/
// owns, so that peer/ never includes the session. The connection holds a non-owning reference, cleared when it
// closes (the owner outlives every call: both run on one executor, and close() is the last call).
#include <cstdint>
#include <span>
#include <string_view>

#include "shoal/metainfo/block_geometry.hpp"
#include "shoal/swarm/rate_limiter.hpp"
#include "shoal/util/result.hpp"
#include "shoal/wire/frame_decoder.hpp"
#include "shoal/wire/message.hpp"

namespace shoal::peer {

class peer_connection;

class connection_events {
 public:
  // The frame limits the reader decodes with (piece count and lengths of this torrent).
  virtual const wire::wire_limits& limits() const = 0;
  // A decoded message; a piece's payload points into the receive buffer, valid only during the call.
  virtual void on_message(peer_connection& c, const wire::message& m) = 0;
  // Once per connection, whatever closed it (the peer, an error, us).
  virtual void on_closed(peer_connection& c, std::string_view why) = 0;
  // Data to send: one block, or several that follow each other in one piece (read with one call); read into
  // `out` (out.size() == b.length).
  virtual status read_block(const block_ref& b, std::span<std::byte> out) = 0;
  // Blocks (payload bytes in all) the connection has just handed to the kernel.
  virtual void on_uploaded(peer_connection& c, std::span<const block_ref> blocks, std::uint64_t bytes) = 0;
  // The buckets the reader paces on and the writer takes tokens from; null: unlimited.
  virtual swarm::rate_limiter* download_limiter() = 0;
  virtual swarm::rate_limiter* upload_limiter() = 0;

 protected:
  ~connection_events() = default;
};

}  // namespace shoal::peer
