#pragma once
// A swarm store in Redis, shared by every tracker process that uses the same Redis: a
// peer announced to one process is returned by the others, and all of them count the
// same swarm. Driven by hiredis on the caller's io_context; an announce is one round
// trip (one EVALSHA). While Redis is unreachable every call fails at once with
// store_errc::unavailable, and the store reconnects by itself with backoff.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "shoal/tracker/server/async_swarm_store.hpp"
#include "shoal/util/result.hpp"

namespace boost::asio {
class io_context;
}

namespace shoal::tracker {

struct redis_store_options {
  std::string host = "127.0.0.1";  // resolved once, when the store is made
  std::uint16_t port = 6379;
  int db = 0;
  std::string key_prefix = "shoal:";  // lets independent trackers share one Redis
  // Connections, each on its own strand; torrents are spread over them by info-hash so
  // that server threads do not queue behind each other.
  std::size_t connections = 1;
  // A command (or a connect) without an answer this long fails, and the connection is
  // dropped and made again: keeps every announce answered well within a second.
  unsigned timeout_ms = 700;
  unsigned max_backoff_ms = 2000;  // reconnect delay doubles from 50 ms up to this
};

// Starts connecting at once (on `io`'s threads). Fails only when the host does not
// resolve. Destroy the store only while no thread runs `io`: pending calls then complete
// with store_errc::unavailable.
result<std::unique_ptr<async_swarm_store>> make_redis_swarm_store(boost::asio::io_context& io,
                                                                  redis_store_options options);

}  // namespace shoal::tracker
