#pragma once
// The 68-byte BitTorrent handshake over a socket, both directions, each step bounded by a timeout. Ours sets the
// BEP 10 bit (every connection speaks the extension protocol).
#include <array>
#include <chrono>
#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "shoal/hash/sha1.hpp"
#include "shoal/addr/peer_address.hpp"
#include "shoal/util/result.hpp"

namespace shoal::peer {

struct handshake_params {
  sha1_digest info_hash;
  std::array<std::uint8_t, 20> peer_id{};
};

struct incoming_handshake {
  sha1_digest info_hash;
  std::array<std::uint8_t, 20> peer_id{};
  bool extensions = false;  // reserved bit 20: the peer speaks BEP 10
  bool fast = false;        // reserved[7] & 0x04: the peer speaks BEP 6
};

struct connected_peer {
  boost::asio::ip::tcp::socket socket;
  std::array<std::uint8_t, 20> peer_id{};
  bool extensions = false;
  bool fast = false;
};

// Connects, sends our handshake, reads theirs; refuses another info-hash and ourselves.
boost::asio::awaitable<result<connected_peer>> connect_and_handshake(
    boost::asio::any_io_executor io, const peer_address& to, const handshake_params& ours, std::chrono::seconds timeout);

// Reads the handshake of an incoming connection (the caller routes it by info-hash, then answers).
boost::asio::awaitable<result<incoming_handshake>> read_handshake(boost::asio::ip::tcp::socket& s,
                                                                  std::chrono::seconds timeout);
boost::asio::awaitable<status> send_handshake(boost::asio::ip::tcp::socket& s, const handshake_params& ours);

boost::asio::ip::tcp::endpoint to_endpoint(const peer_address& a);

}  // namespace shoal::peer
