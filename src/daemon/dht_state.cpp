// The DHT node's <state>/dht.state: read at start (the node comes back with its id and contacts), written every
// few minutes (a SIGKILL loses at most that much of the table) and at stop.
#include "shoald.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::daemon {

// A file that does not decode is reported and set aside (state_store::load_dht), and the node starts afresh.
std::optional<dht::node_state> shoald::saved_dht_state(const std::filesystem::path& state_dir) {
  auto loaded = state_store(state_dir).load_dht();
  if (!loaded) {
    spdlog::warn("state: {}: the DHT node starts afresh", loaded.message());
    return std::nullopt;
  }
  if (*loaded) spdlog::info("state: DHT node {} with {} nodes", (*loaded)->id.hex(), (*loaded)->nodes.size());
  return *loaded;
}

asio::awaitable<void> shoald::dht_save_loop() {
  constexpr auto every = 5min;
  while (!stopping_) {
    dht_timer_.expires_after(every);
    auto [ec] = co_await dht_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopping_) co_return;
    save_dht(false);
  }
}

void shoald::save_dht(bool at_stop) {
  auto s = session_.dht_state();
  if (!s) return;  // no node ever ran and none was saved
  auto written = store_.save_dht(*s);
  if (!written) spdlog::warn("state: {}", written.message());
  else if (at_stop) spdlog::info("state: DHT node {} saved with {} nodes", s->id.hex(), s->nodes.size());
}

}  // namespace shoal::daemon
