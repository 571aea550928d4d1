#include "shoal/peer/handshake_io.hpp"

#include <cstring>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "shoal/wire/ext/extended_message.hpp"
#include "shoal/wire/handshake.hpp"

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace shoal::peer {

namespace {
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
}

asio::ip::tcp::endpoint to_endpoint(const peer_address& a) {
  if (a.v6) {
    asio::ip::address_v6::bytes_type b;
    std::memcpy(b.data(), a.ip.data(), 16);
    return {asio::ip::address_v6(b), a.port};
  }
  asio::ip::address_v4::bytes_type b;
  std::memcpy(b.data(), a.ip.data(), 4);
  return {asio::ip::address_v4(b), a.port};
}

asio::awaitable<result<incoming_handshake>> read_handshake(asio::ip::tcp::socket& s, std::chrono::seconds timeout) {
  std::array<char, wire::handshake_size> raw{};
  asio::steady_timer timer(s.get_executor());
  timer.expires_after(timeout);
  auto r = co_await (asio::async_read(s, asio::buffer(raw), use_nothrow) || timer.async_wait(use_nothrow));
  if (r.index() == 1) co_return error{"no handshake within " + std::to_string(timeout.count()) + " s"};
  if (auto [ec, n] = std::get<0>(r); ec) co_return error{"reading handshake: " + ec.message()};
  auto hs = wire::decode_handshake(std::string_view(raw.data(), raw.size()));
  if (!hs) co_return error{"bad handshake: " + hs.message()};
  co_return incoming_handshake{hs->info_hash, hs->peer_id,
                               {hs->supports_extensions(), hs->supports_fast(), hs->supports_dht()}};
}

asio::awaitable<status> send_handshake(asio::ip::tcp::socket& s, const handshake_params& ours) {
  wire::handshake hs;
  hs.info_hash = ours.info_hash;
  hs.peer_id = ours.peer_id;
  hs.reserved[wire::ext::reserved_byte] |= wire::ext::reserved_bit;
  hs.reserved[7] |= wire::fast_bit;
  if (ours.dht) hs.reserved[7] |= wire::dht_bit;
  std::array<std::uint8_t, wire::handshake_size> raw{};
  wire::encode_handshake(hs, raw.data());
  auto [ec, n] = co_await asio::async_write(s, asio::buffer(raw), use_nothrow);
  if (ec) co_return error{"sending handshake: " + ec.message()};
  co_return ok();
}

asio::awaitable<result<connected_peer>> connect_and_handshake(asio::any_io_executor io, const peer_address& to,
                                                              const handshake_params& ours,
                                                              std::chrono::seconds timeout) {
  asio::ip::tcp::socket s(io);
  asio::steady_timer timer(io);
  timer.expires_after(timeout);
  auto r = co_await (s.async_connect(to_endpoint(to), use_nothrow) || timer.async_wait(use_nothrow));
  if (r.index() == 1) co_return error{"connect timed out"};
  if (auto [ec] = std::get<0>(r); ec) co_return error{"connect: " + ec.message()};
  if (auto st = co_await send_handshake(s, ours); !st) co_return st.err();
  auto theirs = co_await read_handshake(s, timeout);
  if (!theirs) co_return theirs.err();
  if (theirs->info_hash != ours.info_hash) co_return error{"peer answered with another info-hash"};
  if (theirs->peer_id == ours.peer_id) co_return error{"connected to ourselves"};
  co_return connected_peer{std::move(s), theirs->peer_id, theirs->bits};
}

}  // namespace shoal::peer
