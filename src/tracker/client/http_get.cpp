#include "shoal/tracker/client/http_get.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include "shoal/tracker/client/bounded_resolve.hpp"

namespace shoal {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock = std::chrono::steady_clock;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

struct http_target {
  std::string host;         // for the resolver: IPv6 literals without brackets
  std::uint16_t port_number = 80;
  std::string host_header;  // as written in the URL, brackets and port included
  std::string path;         // path and query
};

result<http_target> split_url(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return error{"bad URL: " + u.error().message()};
  if (u->scheme_id() != boost::urls::scheme::http)
    return error{"not an http:// URL: " + std::string(u->scheme())};
  if (u->encoded_host().empty()) return error{"URL has no host"};
  http_target t;
  t.host = u->host_address();
  if (u->has_port() && !u->port().empty()) {
    if (u->port_number() == 0) return error{"bad port in URL: " + std::string(u->port())};
    t.port_number = u->port_number();
  }
  t.host_header = u->encoded_host_and_port();
  t.path = u->encoded_target();
  if (t.path.empty() || t.path.front() != '/') t.path.insert(0, "/");
  return t;
}

std::string describe(const beast::error_code& ec) {
  return ec == beast::error::timeout ? "timed out" : ec.message();
}

asio::awaitable<result<std::vector<asio::ip::tcp::endpoint>>> resolve_endpoints(asio::any_io_executor ex,
                                                                                 const http_target& t,
                                                                                 clock::time_point deadline) {
  auto addresses = co_await resolve_bounded(ex, t.host, deadline);
  if (!addresses) co_return addresses.err();
  std::vector<asio::ip::tcp::endpoint> out;
  for (const auto& a : *addresses) out.emplace_back(a, t.port_number);
  co_return out;
}

// One request/response exchange, bounded by `deadline`.
asio::awaitable<result<http_response>> exchange(asio::any_io_executor ex, const http_target& t,
                                                clock::time_point deadline,
                                                std::size_t max_body, std::string& location) {
  auto endpoints = co_await resolve_endpoints(ex, t, deadline);
  if (!endpoints) co_return endpoints.err();

  beast::tcp_stream stream(ex);
  stream.expires_at(deadline);
  auto [cec, endpoint] = co_await stream.async_connect(*endpoints, nothrow);
  const std::string where = t.host_header;
  if (cec) co_return error{"connect to " + where + ": " + describe(cec)};

  http::request<http::empty_body> req{http::verb::get, t.path, 11};
  req.set(http::field::host, t.host_header);
  req.set(http::field::user_agent, "Shoal/0.1");
  req.set(http::field::accept_encoding, "identity");
  req.set(http::field::connection, "close");
  stream.expires_at(deadline);
  auto [wec, written] = co_await http::async_write(stream, req, nothrow);
  if (wec) co_return error{"send request to " + where + ": " + describe(wec)};

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  stream.expires_at(deadline);
  auto [ec, read] = co_await http::async_read(stream, buffer, parser, nothrow);
  if (ec == http::error::body_limit)
    co_return error{"reply from " + where + ": body exceeds " + std::to_string(max_body) + " bytes"};
  if (ec) co_return error{"reply from " + where + ": " + describe(ec)};
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);

  auto& res = parser.get();
  location = std::string(res[http::field::location]);
  co_return http_response{res.result_int(), std::string(res.reason()), std::move(res.body())};
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

asio::awaitable<result<http_response>> http_get(asio::any_io_executor ex, std::string url,
                                                http_get_options options) {
  const auto deadline = clock::now() + options.timeout;
  for (int hop = 0;; ++hop) {
    auto target = split_url(url);
    if (!target) co_return target.err();
    std::string location;
    auto res = co_await exchange(ex, *target, deadline, options.max_body, location);
    if (!res || !is_redirect(res->status) || location.empty()) co_return res;
    if (hop >= options.max_redirects)
      co_return error{"more than " + std::to_string(options.max_redirects) + " redirects"};
    if (location.front() == '/') {
      url = "http://" + target->host_header + location;
    } else if (location.rfind("http://", 0) == 0) {
      url = std::move(location);
    } else {
      co_return error{"redirect to an unsupported location: " + location.substr(0, 200)};
    }
  }
}

}  // namespace shoal
