#include "shoal/rpc/server.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"
#include "shoal/rpc/http_rules.hpp"
#include "shoal/rpc/json_writer.hpp"
#include "shoal/rpc/methods.hpp"
#include "shoal/rpc/request.hpp"
#include "shoal/util/hex.hpp"
#include "shoal/util/random_bytes.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace shoal::rpc {

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr auto idle_timeout = 60s;
constexpr std::size_t max_cookie_sessions = 1024;
constexpr std::string_view cookie_name = "shoal_session";

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (auto s = random_bytes(raw.data(), bytes); !s)
    throw std::runtime_error("no randomness for a session token: " + s.message());
  return to_hex(raw);
}

response text(const request& req, http::status code, std::string body, std::string_view type = "text/plain; charset=utf-8") {
  response r{code, req.version()};
  r.set(http::field::server, "shoald");
  r.set(http::field::content_type, type);
  r.set(http::field::cache_control, "no-store");
  r.set("X-Content-Type-Options", "nosniff");
  r.keep_alive(req.keep_alive());
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

std::string path_of(std::string_view target) { return std::string(target.substr(0, target.find_first_of("?#"))); }

}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, server_options o, backend& b)
      : io(io), opt(std::move(o)), back(b), acceptor(io), session_id(random_hex(24)),
        methods(std::make_unique<rpc_methods>(b, session_id)) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket);
  asio::awaitable<bool> respond(beast::tcp_stream& stream, request& req, const std::string& source);
  // The RPC reply to a body: at once, or once a torrent-create is hashed (none: the server stopped meanwhile).
  asio::awaitable<std::optional<std::string>> answer(const std::string& body);
  // The user a request speaks for: nullopt = not authorized; "" = no users exist (nobody needs to log in).
  asio::awaitable<std::optional<std::string>> authorize(const request& req, const std::string& source, bool& tried);
  std::optional<std::string> cookie_user(const request& req) const;
  response unauthorized(const request& req) const;
  asio::awaitable<response> login(const request& req, const std::string& source);
  response logout(const request& req);
  response whoami(const request& req);
  asio::awaitable<void> slow_down(const std::string& source);
  template <class Response>
  asio::awaitable<void> send(beast::tcp_stream& stream, Response& r);
  asio::awaitable<bool> serve_file(beast::tcp_stream& stream, const request& req);

  asio::io_context& io;
  server_options opt;
  backend& back;
  tcp::acceptor acceptor;
  std::string session_id;
  std::unique_ptr<rpc_methods> methods;
  login_throttle throttle;
  std::map<std::string, std::string> cookies;  // token -> user name
  std::deque<std::string> cookie_order;        // oldest first, to bound the map
  std::unordered_set<beast::tcp_stream*> open;
  bool stopped = false;
};

http_server::http_server(asio::io_context& io, server_options opt, backend& b)
    : impl_(std::make_shared<impl>(io, std::move(opt), b)) {}

http_server::~http_server() { stop(); }

status http_server::listen() {
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(impl_->opt.bind, ec);
  if (ec) return error{error_code::invalid_data, "rpc-bind '" + impl_->opt.bind + "': not an IP address"};
  const tcp::endpoint ep{addr, impl_->opt.port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close();
    return error{error_code::io, "RPC on " + impl_->opt.bind + ":" + std::to_string(impl_->opt.port) + ": " + ec.message()};
  }
  asio::co_spawn(impl_->io, impl_->accept_loop(), net::report_exception("rpc accept"));
  return ok();
}

std::uint16_t http_server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void http_server::set_host_whitelist(std::vector<std::string> names) { impl_->opt.host_whitelist = std::move(names); }

void http_server::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  for (auto* s : impl_->open) s->socket().close(ec);
  impl_->methods.reset();  // unsubscribes from the session while it still exists
}

asio::awaitable<void> http_server::impl::accept_loop() {
  auto self = shared_from_this();
  while (!stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(use_nothrow);
    if (stopped) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      spdlog::debug("rpc accept: {}", ec.message());
      asio::steady_timer t(io, 100ms);  // out of descriptors: do not spin
      co_await t.async_wait(use_nothrow);
      continue;
    }
    asio::co_spawn(io, serve(std::move(socket)), net::report_exception("rpc connection"));
  }
}

asio::awaitable<void> http_server::impl::serve(tcp::socket socket) {
  auto self = shared_from_this();
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string source = ec ? std::string("?") : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  open.insert(&stream);
  beast::flat_buffer buf;
  while (!stopped) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(max_request_body);
    stream.expires_after(idle_timeout);
    auto [rec, n] = co_await http::async_read(stream, buf, parser, use_nothrow);
    if (stopped) break;
    if (rec == http::error::body_limit) {
      request req;
      req.version(11);
      auto r = text(req, http::status::payload_too_large, "request body larger than 10 MiB: refused\n");
      r.keep_alive(false);
      co_await send(stream, r);
      break;
    }
    if (rec) break;
    request req = parser.release();
    const bool keep = co_await respond(stream, req, source);
    if (!keep || stopped) break;
  }
  open.erase(&stream);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.close();
}

template <class Response>
asio::awaitable<void> http_server::impl::send(beast::tcp_stream& stream, Response& r) {
  stream.expires_after(idle_timeout);
  auto [ec, n] = co_await http::async_write(stream, r, use_nothrow);
  if (ec) spdlog::debug("rpc write: {}", ec.message());
}

std::optional<std::string> http_server::impl::cookie_user(const request& req) const {
  const auto it = req.find(http::field::cookie);
  if (it == req.end()) return std::nullopt;
  auto token = cookie_value(it->value(), cookie_name);
  if (!token) return std::nullopt;
  const auto found = cookies.find(*token);
  if (found == cookies.end()) return std::nullopt;
  return found->second;
}

asio::awaitable<void> http_server::impl::slow_down(const std::string& source) {
  throttle.failed(source, login_throttle::clock::now());
  const auto wait = throttle.penalty(source, login_throttle::clock::now());
  spdlog::info("rpc: failed login from {}: answering in {} ms", source, wait.count());
  asio::steady_timer t(io, wait);
  co_await t.async_wait(use_nothrow);
}

asio::awaitable<std::optional<std::string>> http_server::impl::authorize(const request& req, const std::string& source,
                                                                         bool& tried) {
  tried = false;
  if (!back.auth_required()) co_return std::string();
  if (auto user = cookie_user(req)) co_return user;
  const auto it = req.find(http::field::authorization);
  if (it == req.end()) co_return std::nullopt;
  tried = true;
  auto cred = parse_basic_auth(it->value());
  if (cred && back.check_user(cred->username, cred->password)) {
    throttle.succeeded(source);
    co_return cred->username;
  }
  co_await slow_down(source);
  co_return std::nullopt;
}

response http_server::impl::unauthorized(const request& req) const {
  auto r = text(req, http::status::unauthorized, "401: Unauthorized: log in (HTTP Basic, or POST /login)\n");
  // The web UI shows its own form: a WWW-Authenticate header would make the browser open its dialog instead.
  if (req["X-Shoal-Web"] != "1") r.set(http::field::www_authenticate, "Basic realm=\"shoald\"");
  return r;
}

asio::awaitable<response> http_server::impl::login(const request& req, const std::string& source) {
  auto json = [&](http::status code, std::string body) { return text(req, code, std::move(body), "application/json"); };
  if (req.method() != http::verb::post) co_return json(http::status::method_not_allowed, R"({"ok":false,"error":"POST only"})");
  if (!back.auth_required()) co_return json(http::status::ok, R"({"ok":true,"username":null})");
  auto cred = parse_login(req.body());
  if (!cred) {
    json_writer w;
    w.begin_object().key("ok").value(false).key("error").value(cred.message()).end_object();
    co_return json(http::status::bad_request, w.take());
  }
  if (!back.check_user(cred->username, cred->password)) {
    co_await slow_down(source);
    co_return json(http::status::unauthorized, R"({"ok":false,"error":"wrong user name or password"})");
  }
  throttle.succeeded(source);
  const std::string token = random_hex(32);
  cookies[token] = cred->username;
  cookie_order.push_back(token);
  while (cookie_order.size() > max_cookie_sessions) {
    cookies.erase(cookie_order.front());
    cookie_order.pop_front();
  }
  json_writer w;
  w.begin_object().key("ok").value(true).key("username").value(cred->username).end_object();
  auto r = json(http::status::ok, w.take());
  r.set(http::field::set_cookie, std::string(cookie_name) + "=" + token + "; HttpOnly; SameSite=Strict; Path=/");
  co_return r;
}

response http_server::impl::logout(const request& req) {
  if (const auto it = req.find(http::field::cookie); it != req.end())
    if (auto token = cookie_value(it->value(), cookie_name)) {
      cookies.erase(*token);
      std::erase(cookie_order, *token);
    }
  auto r = text(req, http::status::ok, R"({"ok":true})", "application/json");
  r.set(http::field::set_cookie, std::string(cookie_name) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  return r;
}

response http_server::impl::whoami(const request& req) {
  json_writer w;
  w.begin_object().key("auth_required").value(back.auth_required()).key("username");
  std::optional<std::string> user;
  if (back.auth_required()) {
    user = cookie_user(req);
    if (!user)
      if (const auto it = req.find(http::field::authorization); it != req.end())
        if (auto cred = parse_basic_auth(it->value()); cred && back.check_user(cred->username, cred->password))
          user = cred->username;
  }
  if (user) w.value(*user);
  else w.null();
  w.end_object();
  return text(req, http::status::ok, w.take(), "application/json");
}

asio::awaitable<bool> http_server::impl::serve_file(beast::tcp_stream& stream, const request& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto r = text(req, http::status::method_not_allowed, "405: GET or HEAD only\n");
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  auto rel = web_path(req.target());
  std::error_code fec;
  std::filesystem::path file;
  if (rel && !opt.web_root.empty()) {
    const auto root = std::filesystem::canonical(opt.web_root, fec);
    if (!fec) {
      file = std::filesystem::weakly_canonical(root / *rel, fec);
      // A symbolic link out of the root is refused like "..".
      const auto [r_end, f_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
      if (fec || r_end != root.end() || !std::filesystem::is_regular_file(file, fec)) file.clear();
    }
  }
  if (file.empty()) {
    auto r = text(req, http::status::not_found, "404: " + std::string(req.target().substr(0, 200)) + ": not found\n");
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  http::file_body::value_type body;
  beast::error_code ec;
  body.open(file.c_str(), beast::file_mode::scan, ec);
  if (ec) {
    auto r = text(req, http::status::not_found, "404: cannot be read\n");
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  const auto size = body.size();
  auto headers = [&](auto& r) {
    r.set(http::field::server, "shoald");
    r.set(http::field::content_type, content_type(file.string()));
    r.set(http::field::cache_control, "no-cache");
    r.set("X-Content-Type-Options", "nosniff");
    r.keep_alive(req.keep_alive());
  };
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> r{http::status::ok, req.version()};
    headers(r);
    r.content_length(size);
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  http::response<http::file_body> r{std::piecewise_construct, std::make_tuple(std::move(body)),
                                    std::make_tuple(http::status::ok, req.version())};
  headers(r);
  r.content_length(size);
  co_await send(stream, r);
  co_return r.keep_alive();
}

asio::awaitable<std::optional<std::string>> http_server::impl::answer(const std::string& body) {
  if (!methods) co_return std::nullopt;
  // The timer is the wake-up call: the reply's callback may run now (most methods) or later (torrent-create).
  auto reply = std::make_shared<std::optional<std::string>>();
  auto ready = std::make_shared<asio::steady_timer>(io, asio::steady_timer::time_point::max());
  methods->handle(body, [reply, ready](std::string r) {
    *reply = std::move(r);
    ready->cancel();
  });
  if (!*reply) co_await ready->async_wait(use_nothrow);
  co_return std::move(*reply);
}

asio::awaitable<bool> http_server::impl::respond(beast::tcp_stream& stream, request& req, const std::string& source) {
  const auto host = req[http::field::host];
  if (!host_allowed(host, opt.bind, opt.host_whitelist)) {
    auto r = text(req, http::status::misdirected_request,
                  "421: Host header '" + std::string(host.substr(0, 200)) +
                      "' is not a name of this daemon (its bind address, localhost, 127.0.0.1, [::1] or "
                      "rpc-host-whitelist): refused against DNS rebinding\n");
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  const std::string path = path_of(req.target());
  if (path == "/transmission/rpc" || path == "/transmission/rpc/") {
    bool tried = false;
    auto user = co_await authorize(req, source, tried);
    if (stopped) co_return false;
    if (!user) {
      auto r = unauthorized(req);
      co_await send(stream, r);
      co_return r.keep_alive();
    }
    if (req["X-Transmission-Session-Id"] != session_id) {
      auto r = text(req, http::status::conflict,
                    "<h1>409: Conflict</h1><p>Your request had an invalid session-id header.</p><p>To fix this, "
                    "follow these steps:<ol><li> When reading a response, get its X-Transmission-Session-Id header "
                    "and remember it<li> Add the updated header to your outgoing requests<li> When you get this 409 "
                    "error message, resend your request with the updated header</ol></p>",
                    "text/html; charset=utf-8");
      r.set("X-Transmission-Session-Id", session_id);
      co_await send(stream, r);
      co_return r.keep_alive();
    }
    if (req.method() != http::verb::post) {
      auto r = text(req, http::status::method_not_allowed, "405: POST the RPC request\n");
      co_await send(stream, r);
      co_return r.keep_alive();
    }
    auto reply = co_await answer(req.body());
    if (stopped || !reply) co_return false;
    auto r = text(req, http::status::ok, std::move(*reply), "application/json");
    r.set("X-Transmission-Session-Id", session_id);
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  if (path == "/login") {
    auto r = co_await login(req, source);
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  if (path == "/logout") {
    auto r = logout(req);
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  if (path == "/whoami") {
    auto r = whoami(req);
    co_await send(stream, r);
    co_return r.keep_alive();
  }
  co_return co_await serve_file(stream, req);
}

}  // namespace shoal::rpc
