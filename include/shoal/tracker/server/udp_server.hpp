#pragma once
// The UDP tracker's sockets: datagrams in batches (recvmmsg/sendmmsg) through a
// udp_front_end. Several sockets share the port (SO_REUSEPORT), so the kernel spreads
// clients over them and each is drained by one receive loop on the server's io_context.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace shoal::tracker {

class udp_front_end;

class udp_server {
 public:
  using clock = std::chrono::steady_clock;

  // `start` is when the tracker started (the logic's seconds count from it).
  udp_server(boost::asio::io_context& ioc, udp_front_end& front, clock::time_point start);
  ~udp_server();
  udp_server(const udp_server&) = delete;
  udp_server& operator=(const udp_server&) = delete;

  // Binds `sockets` sockets to host:port ("::" takes IPv4 too) and starts their receive
  // loops; false, after logging why, when it cannot.
  bool start(const std::string& host, std::uint16_t port, int sockets);
  // Ends the receive loops (from any thread); pending datagrams are dropped.
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace shoal::tracker
