#include "shoal/tracker/client/udp_announce.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <random>

#include "shoal/tracker/client/bounded_resolve.hpp"
#include "shoal/tracker/protocol/udp_tracker_packets.hpp"

// GCC 12 misreads Asio's recycling coroutine-frame allocator as a new/delete mismatch
// (a false positive that appears depending on inlining); the frames are paired correctly.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace shoal {

namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using clock = std::chrono::steady_clock;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr int max_tries = 3;  // waits of 1, 2 and 4 units: 7 units fill the timeout

std::uint32_t random_transaction_id() {
  std::random_device rd;
  return rd();
}

// Sends `request` and waits for a reply carrying `tid`, resending with doubling waits.
// Replies for other transactions are dropped; a refused port fails at once.
asio::awaitable<result<std::string>> exchange(udp::socket& socket, asio::const_buffer request,
                                              std::uint32_t tid, clock::duration unit,
                                              clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  std::array<char, 8192> buffer;
  asio::steady_timer timer(socket.get_executor());
  clock::duration wait = unit;
  for (int attempt = 0; attempt < max_tries && clock::now() < deadline; ++attempt, wait *= 2) {
    auto [sec, sent] = co_await socket.async_send(request, nothrow);
    if (sec) co_return error{"send: " + sec.message()};
    timer.expires_at(std::min(clock::now() + wait, deadline));
    while (true) {
      auto got = co_await (socket.async_receive(asio::buffer(buffer), nothrow) ||
                           timer.async_wait(nothrow));
      if (got.index() == 1) break;  // this try timed out
      auto [rec, n] = std::get<0>(got);
      if (rec) co_return error{"receive: " + rec.message()};
      std::string_view packet(buffer.data(), n);
      if (udp_tracker::reply_transaction_id(packet) == tid) co_return std::string(packet);
    }
  }
  co_return error{"timed out after " + std::to_string(max_tries) + " tries"};
}

}  // namespace

asio::awaitable<result<announce_response>> udp_announce(asio::any_io_executor ex, std::string url,
                                                     announce_request req,
                                                     std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  const auto deadline = clock::now() + timeout;
  const clock::duration unit = std::chrono::duration_cast<clock::duration>(timeout) / 7;
  auto u = boost::urls::parse_uri(url);
  if (!u) co_return error{"bad URL: " + u.error().message()};
  if (u->encoded_host().empty() || !u->has_port() || u->port_number() == 0)
    co_return error{"udp:// tracker URL needs a host and a port"};
  const std::string host = u->host_address();

  auto addresses = co_await resolve_bounded(ex, host, deadline);
  if (!addresses) co_return addresses.err();
  const udp::endpoint endpoint(addresses->front(), u->port_number());

  udp::socket socket(ex);
  boost::system::error_code ec;
  socket.open(endpoint.protocol(), ec);
  if (!ec) socket.connect(endpoint, ec);  // only the tracker's replies reach us
  if (ec) co_return error{"socket to " + host + ": " + ec.message()};

  namespace ut = udp_tracker;
  const auto connect_tid = random_transaction_id();
  const auto connect_packet = ut::connect_request(connect_tid);
  auto connected = co_await exchange(socket, asio::buffer(connect_packet), connect_tid, unit, deadline);
  if (!connected) co_return error{"UDP connect: " + connected.message()};
  auto connection_id = ut::parse_connect_reply(*connected);
  if (!connection_id) co_return connection_id.err();

  const auto announce_tid = random_transaction_id();
  const auto packet = ut::announce_packet(*connection_id, announce_tid, req);
  auto answered = co_await exchange(socket, asio::buffer(packet), announce_tid, unit, deadline);
  if (!answered) co_return error{"UDP announce: " + answered.message()};
  co_return ut::parse_announce_response(*answered, endpoint.address().is_v6());
}

}  // namespace shoal
