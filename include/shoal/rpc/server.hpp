#pragma once
// shoald's HTTP server (Boost.Beast, one coroutine per connection on the daemon's io_context): the Transmission
// RPC at /transmission/rpc (409 session-id handshake, Host check, Basic or cookie auth, bounded bodies),
// /login /logout /whoami for the web UI, and the web UI's static files.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "shoal/rpc/backend.hpp"
#include "shoal/util/result.hpp"

namespace boost::asio {
class io_context;
}

namespace shoal::rpc {

struct server_options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 9091;
  std::vector<std::string> host_whitelist;  // extra names the Host header may carry
  std::filesystem::path web_root;           // empty: no static files (404)
};

class http_server {
 public:
  http_server(boost::asio::io_context& io, server_options opt, backend& b);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and starts accepting; the error names the address.
  status listen();
  std::uint16_t port() const;
  // New Host names (SIGHUP's reload).
  void set_host_whitelist(std::vector<std::string> names);
  // Stops accepting and closes every connection.
  void stop();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace shoal::rpc
