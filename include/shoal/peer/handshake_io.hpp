#pragma once
// The 68-byte BitTorrent handshake over a socket, both directions, each step bounded by a timeout. Ours sets the
// BEP 10 and BEP 6 bits (every connection speaks both), and the BEP 5 bit when the caller runs a DHT node for the
// torrent.
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

// The extension bits of a handshake's reserved bytes that we read.
struct handshake_bits {
  bool extensions = false;  // reserved bit 20 (reserved[5] & 0x10): BEP 10
  bool fast = false;        // reserved[7] & 0x04: BEP 6
  bool dht = false;         // reserved[7] & 0x01: BEP 5, a DHT node that takes the port message
};

struct handshake_params {
  sha1_digest info_hash;
  std::array<std::uint8_t, 20> peer_id{};
  bool dht = false;  // set the BEP 5 bit: we run a DHT node and will send the port message
};

struct incoming_handshake {
  sha1_digest info_hash;
  std::array<std::uint8_t, 20> peer_id{};
  handshake_bits bits;  // what the peer's reserved bytes say it speaks
};

struct connected_peer {
  boost::asio::ip::tcp::socket socket;
  std::array<std::uint8_t, 20> peer_id{};
  handshake_bits bits;
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
