#pragma once
// Tiny in-process trackers on 127.0.0.1 for the announce client tests: an HTTP one that
// answers every request with a canned response, one that accepts and never answers,
// a port that refuses connections, and a BEP 15 UDP one.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

// GCC 12 misreads Asio's recycling coroutine-frame allocator as a new/delete mismatch.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace shoal::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using asio::ip::udp;
inline constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

inline std::string http_reply(std::string body, std::string status = "200 OK",
                              std::string extra_headers = "") {
  return "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

struct http_tracker {
  std::string response;
  bool answer = true;                // false: read the request, then stay silent
  std::vector<std::string> targets;  // request targets seen
  std::vector<std::string> hosts;    // Host headers seen
  std::vector<std::shared_ptr<tcp::socket>> held;  // silent connections stay open
  tcp::acceptor acceptor;

  http_tracker(asio::io_context& ioc, std::string reply, bool answers = true)
      : response(std::move(reply)), answer(answers),
        acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(ioc, serve(), asio::detached);
  }
  std::string url(std::string path = "/announce") const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + path;
  }

  asio::awaitable<void> serve() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(nothrow);
      if (ec) co_return;
      auto s = std::make_shared<tcp::socket>(std::move(socket));
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      auto [rec, n] = co_await http::async_read(*s, buffer, req, nothrow);
      if (rec) continue;
      targets.emplace_back(req.target());
      hosts.emplace_back(req[http::field::host]);
      if (!answer) {
        held.push_back(s);
        continue;
      }
      co_await asio::async_write(*s, asio::buffer(response), nothrow);
      boost::system::error_code ignored;
      s->shutdown(tcp::socket::shutdown_both, ignored);
    }
  }
};

// A loopback port nobody listens on: bound once to pick it, then released.
inline std::string refused_url(asio::io_context& ioc) {
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto port = a.local_endpoint().port();
  a.close();
  return "http://127.0.0.1:" + std::to_string(port) + "/announce";
}

// BEP 15: answers connect with a fixed connection id and announce with `peers_compact`.
// `drop_first` requests are ignored, to exercise the client's resend.
struct udp_tracker_stub {
  static constexpr std::uint64_t connection_id = 0x1122334455667788ull;
  std::string peers_compact;
  int drop_first = 0;
  int received = 0;
  std::vector<std::string> announces;  // raw announce packets seen
  udp::socket socket;

  udp_tracker_stub(asio::io_context& ioc, std::string peers, int drop = 0)
      : peers_compact(std::move(peers)), drop_first(drop),
        socket(ioc, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(ioc, serve(), asio::detached);
  }
  std::string url() const {
    return "udp://127.0.0.1:" + std::to_string(socket.local_endpoint().port()) + "/announce";
  }

  static void put32(std::string& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
  }

  asio::awaitable<void> serve() {
    std::array<char, 2048> buf;
    while (true) {
      udp::endpoint from;
      auto [ec, n] = co_await socket.async_receive_from(asio::buffer(buf), from, nothrow);
      if (ec) co_return;
      if (++received <= drop_first || n < 16) continue;
      std::string in(buf.data(), n), out;
      const std::string tid = in.substr(12, 4);
      if (in[11] == 0) {  // connect
        put32(out, 0);
        out += tid;
        for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>(connection_id >> s));
      } else {
        announces.push_back(in);
        put32(out, 1);
        out += tid;
        put32(out, 600);  // interval
        put32(out, 2);    // leechers
        put32(out, 5);    // seeders
        out += peers_compact;
      }
      co_await socket.async_send_to(asio::buffer(out), from, nothrow);
    }
  }
};

}  // namespace shoal::testing

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
