#include "shoal/tracker/server/tracker_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <malloc.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "shoal/tracker/server/http_front_end.hpp"
#include "shoal/tracker/server/redis_swarm_store.hpp"
#include "shoal/tracker/server/store_location.hpp"
#include "shoal/tracker/server/request_head_parser.hpp"
#include "shoal/tracker/server/udp_front_end.hpp"
#include "until_done.hpp"
#include "shoal/tracker/server/udp_server.hpp"

namespace shoal::tracker {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using clock = std::chrono::steady_clock;

peer_origin origin_of(const tcp::endpoint& ep) {
  peer_origin o;
  auto a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), o.ip.begin());
  } else {
    auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), o.ip.begin());
    o.v6 = true;
  }
  return o;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void write_head(std::string& head, int status, std::string_view content_type,
                std::size_t length, bool keep_alive) {
  head.clear();
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head += reason_phrase(status);
  head += "\r\nContent-Type: ";
  head += content_type;
  head += "\r\nContent-Length: ";
  head += std::to_string(length);
  head += keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
}

// One client connection. The sweeper closes it once `deadline` (seconds since start)
// passes while it is waiting on the client.
struct connection {
  explicit connection(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
  std::atomic<std::uint32_t> deadline{0};
};

}  // namespace

class tracker_server {
 public:
  explicit tracker_server(const server_options& o)
      : options_(o),
        store_(make_store(o, ioc_)),
        logic_(o.tracker, *store_, unix_seconds()),
        http_(logic_),
        control_(asio::make_strand(ioc_)),
        acceptor_(control_),
        signals_(control_, SIGINT, SIGTERM, SIGHUP),
        start_(clock::now()) {}

  int run() {
    if (!load_list()) return 1;
    if (!listen()) return 1;
    asio::co_spawn(control_, accept_loop(), asio::detached);
    asio::co_spawn(ioc_, deadline_sweeper(), asio::detached);
    wait_signals();
    std::thread expiry([this] { expiry_loop(); });
    std::vector<std::thread> extra;
    for (int i = 1; i < options_.threads; ++i) extra.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : extra) t.join();
    {
      std::lock_guard lock(stop_mutex_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    expiry.join();
    spdlog::info("tracker stopped");
    return 0;
  }

 private:
  static std::uint32_t unix_seconds() {
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  }

  static std::unique_ptr<async_swarm_store> make_store(const server_options& o,
                                                       asio::io_context& ioc) {
    auto where = parse_store_location(o.store);
    if (!where) throw std::runtime_error("--store " + where.message());
    if (where->type == store_location::kind::memory) {
      auto seed = static_cast<std::uint64_t>(clock::now().time_since_epoch().count());
      return make_immediate_store(make_memory_swarm_store(o.shards, seed));
    }
    redis_store_options r;
    r.host = where->host;
    r.port = where->port;
    r.db = where->db;
    // One connection per serving thread, torrents spread over them by info-hash.
    r.connections = static_cast<std::size_t>(std::max(o.threads, 1));
    auto store = make_redis_swarm_store(ioc, r);
    if (!store) throw std::runtime_error(store.message());
    spdlog::info("swarms in {} (shared with every tracker using it)", (*store)->describe());
    return std::move(*store);
  }

  // The UDP connection-id key: from --udp-secret; else, over a shared store, the one the
  // first process stored (so every process accepts the others' ids); else random.
  siphash_key udp_key() {
    using udp_tracker::connection_ids;
    if (!options_.udp_secret.empty()) return connection_ids::key_from_secret(options_.udp_secret);
    if (store_->describe() == "memory") return connection_ids::random_key();
    auto random = connection_ids::random_key();
    static constexpr char digits[] = "0123456789abcdef";
    std::string proposal;
    for (auto b : random) {
      proposal += digits[b >> 4];
      proposal += digits[b & 15];
    }
    // The store connects in the background: ask until it answers, for a few seconds,
    // running the io_context here (nothing else is serving yet).
    auto deadline = clock::now() + std::chrono::seconds(3);
    std::string agreed, why;
    while (agreed.empty() && clock::now() < deadline) {
      bool answered = false;
      store_->shared_key("udp-connection-secret", proposal,
                         [&](const store_status& st, const std::string& key) {
                           answered = true;
                           if (st) agreed = key;
                           else why = st.message;
                         });
      while (!answered && clock::now() < deadline) {
        if (ioc_.stopped()) ioc_.restart();
        ioc_.run_one_for(std::chrono::milliseconds(20));
      }
      if (agreed.empty()) {
        if (ioc_.stopped()) ioc_.restart();
        ioc_.run_for(std::chrono::milliseconds(50));
      }
    }
    if (ioc_.stopped()) ioc_.restart();
    if (agreed.empty()) {
      spdlog::warn("UDP connection-id key not shared ({}): other processes will not accept this "
                   "one's ids until it restarts with the store up; --udp-secret avoids this",
                   why.empty() ? "no answer" : why);
      return random;
    }
    spdlog::debug("UDP connection-id key shared through {}", store_->describe());
    return connection_ids::key_from_secret(agreed);
  }

  std::uint32_t now() const {
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(clock::now() - start_).count());
  }

  bool listen() {
    beast::error_code ec;
    auto addr = asio::ip::make_address(options_.host, ec);
    if (ec) {
      spdlog::error("--host {}: not an IP address", options_.host);
      return false;
    }
    tcp::endpoint ep(addr, options_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec && addr.is_v6()) acceptor_.set_option(asio::ip::v6_only(false), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (ec) {
      spdlog::error("cannot listen on {}:{}: {}", options_.host, options_.port, ec.message());
      return false;
    }
    // UDP first, so that once HTTP accepts, UDP answers too (clients and tests may take
    // one for the other); its default port is the one HTTP got.
    if (options_.udp_port != 0) {
      auto port = options_.udp_port < 0 ? acceptor_.local_endpoint().port()
                                        : static_cast<std::uint16_t>(options_.udp_port);
      udp_front_ = std::make_unique<udp_front_end>(logic_, udp_key());
      udp_ = std::make_unique<udp_server>(ioc_, *udp_front_, start_);
      if (!udp_->start(options_.host, port, options_.threads)) return false;
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      spdlog::error("cannot listen on {}:{}: {}", options_.host, options_.port, ec.message());
      return false;
    }
    spdlog::info("HTTP tracker listening on {}:{} (interval {} s, {} thread(s))", options_.host,
                 acceptor_.local_endpoint().port(), options_.tracker.interval, options_.threads);
    return true;
  }

  bool load_list() {
    const std::string& path = options_.whitelist_path.empty() ? options_.blacklist_path
                                                              : options_.whitelist_path;
    if (path.empty()) return true;
    list_mode mode = options_.whitelist_path.empty() ? list_mode::blacklist : list_mode::whitelist;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      spdlog::error("cannot read info-hash list {}", path);
      return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto list = info_hash_list::parse(text.str(), path);
    if (!list) {
      spdlog::error("{}", list.message());
      return false;
    }
    spdlog::info("{} {}: {} info-hashes", mode == list_mode::whitelist ? "whitelist" : "blacklist",
                 path, list->size());
    logic_.set_filter(std::make_shared<const info_hash_list>(std::move(*list)), mode);
    return true;
  }

  void wait_signals() {
    signals_.async_wait([this](beast::error_code ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        // A bad file keeps the previous list in force.
        if (!load_list()) spdlog::warn("info-hash list not reloaded; keeping the previous one");
        wait_signals();
        return;
      }
      spdlog::info("signal {}: shutting down", sig);
      shutdown();
    });
  }

  void shutdown() {
    beast::error_code ec;
    acceptor_.close(ec);
    if (udp_) udp_->close();
    signals_.cancel(ec);
    close_connections([](const connection&) { return true; });
    ioc_.stop();
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto executor = options_.threads > 1 ? asio::any_io_executor(asio::make_strand(ioc_))
                                           : asio::any_io_executor(ioc_.get_executor());
      auto [ec, socket] = co_await acceptor_.async_accept(
          executor, asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors, typically: back off briefly rather than spin.
        spdlog::warn("accept: {}", ec.message());
        asio::steady_timer t(ioc_, std::chrono::milliseconds(50));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      auto c = std::make_shared<connection>(std::move(socket));
      {
        std::lock_guard lock(connections_mutex_);
        if (connections_.size() >= options_.max_connections) {
          spdlog::debug("connection limit {} reached: refusing a client", options_.max_connections);
          beast::error_code ignored;
          c->socket.close(ignored);
          continue;
        }
        connections_.insert(c);
      }
      asio::co_spawn(c->socket.get_executor(), session(c), asio::detached);
    }
  }

  asio::awaitable<void> session(std::shared_ptr<connection> c) {
    try {
      co_await serve(*c);
    } catch (const std::exception& e) {
      spdlog::debug("connection: {}", e.what());
    }
    beast::error_code ec;
    c->socket.shutdown(tcp::socket::shutdown_both, ec);
    c->socket.close(ec);
    std::lock_guard lock(connections_mutex_);
    connections_.erase(c);
  }

  asio::awaitable<void> serve(connection& c) {
    beast::error_code ec;
    auto remote = c.socket.remote_endpoint(ec);
    if (ec) co_return;
    peer_origin from = origin_of(remote);
    c.socket.set_option(tcp::no_delay(true), ec);
    beast::flat_buffer buffer(16 * 1024);
    std::string target, head;
    request_scratch scratch;
    http_reply reply;
    for (;;) {
      c.deadline.store(now() + options_.request_timeout, std::memory_order_relaxed);
      request_head_parser parser(target);
      auto [rec, n] = co_await http::async_read(c.socket, buffer, parser,
                                                asio::as_tuple(asio::use_awaitable));
      (void)n;
      bool keep_alive = !rec && parser.keep_alive();
      if (rec == http::error::end_of_stream || rec == asio::error::operation_aborted ||
          rec == asio::error::connection_reset || rec == asio::error::eof) {
        co_return;
      }
      reply.body.clear();
      if (rec) {
        reply.status = rec == http::error::header_limit || rec == http::error::buffer_overflow ? 431
                       : rec == http::error::body_limit                                      ? 413
                                                                                             : 400;
        reply.content_type = "text/plain";
        reply.body = rec.message() + "\n";
        spdlog::debug("{}: bad request: {}", remote.address().to_string(), rec.message());
      } else if (parser.method() != http::verb::get) {
        reply.status = 405;
        reply.content_type = "text/plain";
        reply.body = "only GET is served\n";
      } else {
        if (spdlog::should_log(spdlog::level::debug)) {
          spdlog::debug("{} GET {}", remote.address().to_string(), target);
        }
        co_await until_done([&](auto done) {
          http_.handle(target, from, now(), scratch, reply, std::move(done));
        });
      }
      write_head(head, reply.status, reply.content_type, reply.body.size(), keep_alive);
      std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(reply.body)};
      auto [wec, w] = co_await asio::async_write(c.socket, out, asio::as_tuple(asio::use_awaitable));
      (void)w;
      if (wec || !keep_alive) co_return;
    }
  }

  template <class Pred>
  void close_connections(Pred pred) {
    std::vector<std::shared_ptr<connection>> doomed;
    {
      std::lock_guard lock(connections_mutex_);
      for (const auto& c : connections_) {
        if (pred(*c)) doomed.push_back(c);
      }
    }
    for (auto& c : doomed) {
      asio::post(c->socket.get_executor(), [c] {
        beast::error_code ec;
        c->socket.close(ec);
      });
    }
  }

  // Drops clients that are too slow to send a request head or to read a reply.
  asio::awaitable<void> deadline_sweeper() {
    asio::steady_timer timer(ioc_);
    for (;;) {
      timer.expires_after(std::chrono::seconds(1));
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      std::uint32_t t = now();
      close_connections([t](const connection& c) {
        return c.deadline.load(std::memory_order_relaxed) < t;
      });
    }
  }

  // Expiry runs on its own thread so a sweep over a large store never delays requests.
  // Every process sweeps a shared store; each batch is atomic, so peers go once.
  void expiry_loop() {
    auto expire_after = static_cast<std::uint32_t>(
        std::max(1.0, static_cast<double>(options_.tracker.interval) * options_.expiry_factor));
    auto period = std::chrono::seconds(std::clamp<std::uint32_t>(expire_after / 4, 1, 60));
    std::unique_lock lock(stop_mutex_);
    while (!stop_cv_.wait_for(lock, period, [this] { return stopping_; })) {
      std::uint32_t t = logic_.store_time(now());
      if (t <= expire_after) continue;
      auto result = std::make_shared<std::promise<std::size_t>>();
      auto removed_future = result->get_future();
      store_->expire(t - expire_after, [result](const store_status& st, std::size_t n) {
        if (!st) spdlog::debug("expiry: {}", st.message);
        result->set_value(n);
      });
      // A remote store answers on the io threads; give up waiting once they stop.
      while (removed_future.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
        if (stop_cv_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stopping_; })) {
          return;
        }
      }
      std::size_t removed = removed_future.get();
      if (removed == 0) continue;
      spdlog::debug("expired {} peers", removed);
      // Freed peer tables are small blocks glibc keeps; hand the pages back so the
      // process's memory follows the live swarm.
      if (removed >= 10000) ::malloc_trim(0);
    }
  }

  server_options options_;
  asio::io_context ioc_;
  std::unique_ptr<async_swarm_store> store_;  // destroyed after the io threads stopped
  tracker_logic logic_;
  http_front_end http_;
  std::unique_ptr<udp_front_end> udp_front_;
  // Acceptor and signals share a strand, so shutdown never races an accept.
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  clock::time_point start_;
  std::unique_ptr<udp_server> udp_;
  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<connection>> connections_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

int run_tracker(const server_options& options) {
  try {
    tracker_server server(options);
    return server.run();
  } catch (const std::exception& e) {
    spdlog::error("tracker: {}", e.what());
    return 1;
  }
}

}  // namespace shoal::tracker
