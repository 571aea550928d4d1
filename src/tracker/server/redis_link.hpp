#pragma once
// One connection to Redis for the swarm store, on its own strand: connects and reconnects with backoff,
// loads the scripts, runs EVALSHA calls and hands replies back on the strand. Private to the Redis store.
#include <hiredis/async.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hiredis_asio.hpp"
#include "redis_reply.hpp"
#include "redis_scripts.hpp"
#include "shoal/tracker/server/swarm_store.hpp"

namespace shoal::tracker::redis {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

struct config {
  std::string ip;  // resolved
  std::uint16_t port = 0;
  int db = 0;
  std::string name;  // redis://ip:port/db, for messages
  std::string prefix;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds max_backoff;
  std::string shas[script_count];
};

using reply_handler = std::function<void(const store_status&, const redisReply*)>;

class redis_link;

// One command in flight; hiredis hands it back with the reply, or with none when the
// connection goes away.
struct pending_call {
  redis_link* link;
  reply_handler done;
};

// One connection to Redis and everything that touches it, on one strand.
class redis_link : public std::enable_shared_from_this<redis_link> {
 public:
  redis_link(asio::io_context& io, std::shared_ptr<const config> cfg, std::uint64_t seed)
      : strand_(asio::make_strand(io)), tick_(strand_), cfg_(std::move(cfg)), random_(seed) {}

  void start() {
    asio::post(strand_, [self = shared_from_this()] { self->on_tick(); });
  }

  // Only while no thread runs the io_context.
  void shutdown() {
    stopped_ = true;
    state_ = state::down;  // a quiet close: no "connection lost" warning
    tick_.cancel();
    if (ac_) {
      auto* ac = ac_;
      ac_ = nullptr;
      last_error_ = "store shut down";
      redisAsyncFree(ac);
    }
  }

  // Runs the script on the link's strand; `done` runs there too.
  void eval(script_id script, std::vector<std::string> args, reply_handler done) {
    asio::post(strand_, [self = shared_from_this(), script, args = std::move(args),
                         done = std::move(done)]() mutable {
      if (self->state_ != state::up) return done(self->unavailable(), nullptr);
      std::vector<std::string_view> argv{"EVALSHA", self->cfg_->shas[script], "0"};
      for (const auto& a : args) argv.push_back(a);
      self->send(argv, std::move(done));
    });
  }

  // Also on the strand: any command, failing when not connected.
  void command(std::vector<std::string> argv, reply_handler done) {
    asio::post(strand_, [self = shared_from_this(), argv = std::move(argv),
                         done = std::move(done)]() mutable {
      if (self->state_ != state::up) return done(self->unavailable(), nullptr);
      std::vector<std::string_view> views(argv.begin(), argv.end());
      self->send(views, std::move(done));
    });
  }

  std::uint64_t next_random() {
    random_ ^= random_ >> 12;
    random_ ^= random_ << 25;
    random_ ^= random_ >> 27;
    return random_ * 0x2545F4914F6CDD1Dull;
  }

  const config& cfg() const { return *cfg_; }

 private:
  enum class state { down, connecting, up };

  store_status unavailable() const {
    return {store_errc::unavailable, "redis " + cfg_->name + ": " + last_error_};
  }

  void send(const std::vector<std::string_view>& argv, reply_handler done) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    for (auto a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* call = new pending_call{this, std::move(done)};
    if (redisAsyncCommandArgv(ac_, &redis_link::on_reply, call, static_cast<int>(ptrs.size()),
                              ptrs.data(), lens.data()) != REDIS_OK) {
      std::unique_ptr<pending_call> owned(call);
      owned->done(unavailable(), nullptr);
      return;
    }
    sent_.push_back(clock::now());
  }

  static void on_reply(redisAsyncContext*, void* reply, void* privdata) {
    std::unique_ptr<pending_call> call(static_cast<pending_call*>(privdata));
    redis_link& link = *call->link;
    // Replies come in the order commands went out.
    if (!link.sent_.empty()) link.sent_.pop_front();
    auto* r = static_cast<const redisReply*>(reply);
    if (!r) return call->done(link.unavailable(), nullptr);
    if (r->type == REDIS_REPLY_ERROR) {
      std::string_view text = view_of(r);
      // Someone ran SCRIPT FLUSH: load the scripts again on a fresh connection.
      if (text.starts_with("NOSCRIPT")) link.reload_ = true;
      return call->done({store_errc::bad_reply, "redis " + link.cfg_->name + ": " +
                                                    std::string(text)},
                        nullptr);
    }
    call->done(store_status{}, r);
  }

  void on_tick() {
    if (stopped_) return;
    auto now = clock::now();
    if (state_ == state::down && now >= next_attempt_) {
      connect();
    } else if (state_ == state::connecting && now - connect_started_ > cfg_->timeout) {
      drop("no connection within " + std::to_string(cfg_->timeout.count()) + " ms");
    } else if (!sent_.empty() && now - sent_.front() > cfg_->timeout) {
      drop("no reply within " + std::to_string(cfg_->timeout.count()) + " ms");
    } else if (reload_) {
      drop("scripts were flushed; reconnecting to load them");
    }
    tick_.expires_after(std::chrono::milliseconds(25));
    tick_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->on_tick();
    });
  }

  void connect() {
    state_ = state::connecting;
    connect_started_ = clock::now();
    reload_ = false;
    handshake_error_.clear();
    sent_.clear();
    redisAsyncContext* ac = redisAsyncConnect(cfg_->ip.c_str(), cfg_->port);
    if (!ac) return went_down("cannot allocate a connection");
    if (ac->err) {
      std::string why = ac->errstr;
      redisAsyncFree(ac);
      return went_down(why);
    }
    ac_ = ac;
    ac_->data = this;
    attach_hiredis(ac_, strand_);
    redisAsyncSetConnectCallback(ac_, &redis_link::on_connect);
    redisAsyncSetDisconnectCallback(ac_, &redis_link::on_disconnect);
    // The handshake goes out at once, pipelined; the link is up when its last reply is in.
    if (cfg_->db != 0) {
      std::string db = std::to_string(cfg_->db);
      send({"SELECT", db}, [this](const store_status& st, const redisReply*) {
        if (!st) handshake_error_ = st.message;
      });
    }
    for (std::size_t i = 0; i < script_count; ++i) {
      send({"SCRIPT", "LOAD", script_texts[i]},
           [this, i](const store_status& st, const redisReply* r) {
             if (!st) {
               handshake_error_ = st.message;
             } else if (r->type != REDIS_REPLY_STRING || view_of(r) != cfg_->shas[i]) {
               handshake_error_ = "SCRIPT LOAD answered an unexpected digest";
             }
             if (i + 1 == script_count) handshake_done();
           });
    }
  }

  void handshake_done() {
    if (!ac_) return;  // the connection went away meanwhile
    if (!handshake_error_.empty()) {
      last_error_ = handshake_error_;
      handshake_error_.clear();
      // Not fatal for the process: a misconfigured Redis may be fixed while we run.
      spdlog::error("redis {}: {}", cfg_->name, last_error_);
      reload_ = true;
      return;
    }
    state_ = state::up;
    backoff_ = std::chrono::milliseconds(50);
    if (was_up_) {
      spdlog::info("redis {}: connected again", cfg_->name);
    } else {
      spdlog::debug("redis {}: connected", cfg_->name);
    }
    was_up_ = true;
  }

  static void on_connect(const redisAsyncContext* ac, int status) {
    if (status == REDIS_OK) return;
    auto* link = static_cast<redis_link*>(ac->data);
    link->ac_ = nullptr;  // hiredis frees the context after this callback
    link->went_down(ac->errstr);
  }

  static void on_disconnect(const redisAsyncContext* ac, int status) {
    auto* link = static_cast<redis_link*>(ac->data);
    link->ac_ = nullptr;
    if (link->state_ == state::down) return;  // drop() already said why
    link->went_down(status == REDIS_OK ? "connection closed" : ac->errstr);
  }

  // Fails everything in flight and reconnects later. Never from inside a hiredis callback.
  void drop(const std::string& why) {
    if (ac_) {
      auto* ac = ac_;
      ac_ = nullptr;
      last_error_ = why;
      went_down(why);
      redisAsyncFree(ac);  // pending calls complete now, with unavailable()
    } else {
      went_down(why);
    }
  }

  void went_down(const std::string& why) {
    last_error_ = why;
    if (state_ == state::up) {
      spdlog::warn("redis {}: {}; every store call fails until it is back", cfg_->name, why);
    } else {
      spdlog::debug("redis {}: {}", cfg_->name, why);
    }
    state_ = state::down;
    next_attempt_ = clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, cfg_->max_backoff);
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer tick_;
  std::shared_ptr<const config> cfg_;
  redisAsyncContext* ac_ = nullptr;
  state state_ = state::down;
  bool stopped_ = false;
  bool reload_ = false;
  bool was_up_ = false;
  std::string last_error_ = "not connected yet";
  std::string handshake_error_;
  std::deque<clock::time_point> sent_;
  clock::time_point connect_started_;
  clock::time_point next_attempt_;
  std::chrono::milliseconds backoff_{50};
  std::uint64_t random_;
};

}  // namespace shoal::tracker::redis
