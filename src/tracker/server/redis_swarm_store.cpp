// The Redis swarm store. Layout, under a key prefix P (default "shoal:"):
//   P S:<info-hash>   hash: peer id -> packed peer (16-byte ip, v6 flag, big-endian port), seeders
//   P L:<info-hash>   the same for leechers
//   P D:<info-hash>   completed downloads, deleted with the swarm's last peer
//   P peers           sorted set: info-hash + peer id -> last seen (Unix seconds)
//   P torrents        set of info-hashes with at least one peer
//   P seeders         seeders over all torrents
// Every operation is one Lua script run with EVALSHA, so it is atomic and one round trip.
// Peers expire through `P peers` (Redis 7.0 has no per-field expiry), swept in batches by
// every process; a batch is atomic, so concurrent sweepers remove each peer once.
#include "shoal/tracker/server/redis_swarm_store.hpp"

#include <hiredis/async.h>
#include <netdb.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstring>
#include <deque>

#include "hiredis_asio.hpp"
#include "shoal/hash/sha1.hpp"

namespace shoal::tracker {

namespace asio = boost::asio;

namespace {

using clock = std::chrono::steady_clock;

// ARGV: prefix, info-hash, peer id, packed peer, seeder (1/0), event (n s c x), now, want.
// Returns {seeders, leechers, downloaded, seeder sample, leecher sample}; samples are
// flat [id, packed, ...] of want+1 (the announcer may be among them), seeders only for
// a leecher.
constexpr const char* announce_lua = R"lua(
local p, ih, pid, packed = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local seeder, ev = ARGV[5] == '1', ARGV[6]
local now, want = tonumber(ARGV[7]), tonumber(ARGV[8])
local S, L, D = p .. 'S:' .. ih, p .. 'L:' .. ih, p .. 'D:' .. ih
local was_s = redis.call('HDEL', S, pid)
redis.call('HDEL', L, pid)
if ev == 'x' then
  redis.call('ZREM', p .. 'peers', ih .. pid)
  if was_s == 1 then redis.call('DECR', p .. 'seeders') end
  local s, l = redis.call('HLEN', S), redis.call('HLEN', L)
  local d = tonumber(redis.call('GET', D) or 0)
  if s + l == 0 then
    redis.call('DEL', D)
    redis.call('SREM', p .. 'torrents', ih)
  end
  return {s, l, d}
end
if seeder then
  redis.call('HSET', S, pid, packed)
  if was_s == 0 then redis.call('INCR', p .. 'seeders') end
else
  redis.call('HSET', L, pid, packed)
  if was_s == 1 then redis.call('DECR', p .. 'seeders') end
end
redis.call('ZADD', p .. 'peers', now, ih .. pid)
redis.call('SADD', p .. 'torrents', ih)
local d
if ev == 'c' then d = redis.call('INCR', D) else d = tonumber(redis.call('GET', D) or 0) end
local ps, pl = {}, {}
if want > 0 then
  pl = redis.call('HRANDFIELD', L, want + 1, 'WITHVALUES')
  if not seeder then ps = redis.call('HRANDFIELD', S, want + 1, 'WITHVALUES') end
end
return {redis.call('HLEN', S), redis.call('HLEN', L), d, ps, pl}
)lua";

// ARGV: prefix, info-hash... Returns flat {seeders, leechers, downloaded} per hash.
constexpr const char* scrape_lua = R"lua(
local p, out = ARGV[1], {}
for i = 2, #ARGV do
  local ih = ARGV[i]
  out[#out + 1] = redis.call('HLEN', p .. 'S:' .. ih)
  out[#out + 1] = redis.call('HLEN', p .. 'L:' .. ih)
  out[#out + 1] = tonumber(redis.call('GET', p .. 'D:' .. ih) or 0)
end
return out
)lua";

// ARGV: prefix, cutoff, batch. Removes up to `batch` peers last seen before cutoff.
constexpr const char* expire_lua = R"lua(
local p, cutoff, batch = ARGV[1], ARGV[2], tonumber(ARGV[3])
local gone = redis.call('ZRANGEBYSCORE', p .. 'peers', '-inf', '(' .. cutoff, 'LIMIT', 0, batch)
for _, m in ipairs(gone) do
  local ih, pid = string.sub(m, 1, 20), string.sub(m, 21)
  local S, L = p .. 'S:' .. ih, p .. 'L:' .. ih
  if redis.call('HDEL', S, pid) == 1 then redis.call('DECR', p .. 'seeders') end
  redis.call('HDEL', L, pid)
  redis.call('ZREM', p .. 'peers', m)
  if redis.call('EXISTS', S, L) == 0 then
    redis.call('DEL', p .. 'D:' .. ih)
    redis.call('SREM', p .. 'torrents', ih)
  end
end
return #gone
)lua";

// ARGV: prefix. Returns {torrents, peers, seeders}.
constexpr const char* totals_lua = R"lua(
local p = ARGV[1]
return {redis.call('SCARD', p .. 'torrents'), redis.call('ZCARD', p .. 'peers'),
        tonumber(redis.call('GET', p .. 'seeders') or 0)}
)lua";

// ARGV: key, proposal. The stored value, set to the proposal when there was none.
constexpr const char* shared_key_lua = R"lua(
redis.call('SET', ARGV[1], ARGV[2], 'NX')
return redis.call('GET', ARGV[1])
)lua";

enum script_id { announce_script, scrape_script, expire_script, totals_script, key_script };
constexpr const char* script_texts[] = {announce_lua, scrape_lua, expire_lua, totals_lua,
                                        shared_key_lua};
constexpr std::size_t script_count = std::size(script_texts);

constexpr std::size_t packed_peer_size = 19;
constexpr std::size_t expire_batch = 1000;
constexpr std::size_t scrape_page = 500;

std::string packed_peer(const peer_announce& a) {
  std::string s(packed_peer_size, '\0');
  std::memcpy(s.data(), a.ip.data(), 16);
  s[16] = a.v6 ? 1 : 0;
  s[17] = static_cast<char>(a.port >> 8);
  s[18] = static_cast<char>(a.port & 0xff);
  return s;
}

std::string_view view_of(const redisReply* r) { return {r->str, r->len}; }

bool integer_of(const redisReply* r, std::int64_t& out) {
  if (r->type == REDIS_REPLY_INTEGER) {
    out = r->integer;
    return true;
  }
  if (r->type == REDIS_REPLY_NIL) {
    out = 0;
    return true;
  }
  return false;
}

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

// A sample's flat [id, packed, ...] into `out`, skipping `self`.
bool append_peers(const redisReply* r, const peer_id_bytes& self, std::vector<swarm_peer>& out) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) return false;
  for (std::size_t i = 0; i < r->elements; i += 2) {
    const redisReply* id = r->element[i];
    const redisReply* packed = r->element[i + 1];
    if (id->type != REDIS_REPLY_STRING || id->len != self.size() ||
        packed->type != REDIS_REPLY_STRING || packed->len != packed_peer_size) {
      return false;
    }
    if (std::memcmp(id->str, self.data(), self.size()) == 0) continue;
    swarm_peer p;
    std::memcpy(p.id.data(), id->str, p.id.size());
    std::memcpy(p.ip.data(), packed->str, 16);
    p.v6 = packed->str[16] != 0;
    p.port = static_cast<std::uint16_t>((static_cast<std::uint8_t>(packed->str[17]) << 8) |
                                        static_cast<std::uint8_t>(packed->str[18]));
    out.push_back(p);
  }
  return true;
}

// Flat {seeders, leechers, downloaded} triplets.
bool read_counts(const redisReply* r, std::size_t at, swarm_counts& c) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements < at + 3) return false;
  return integer_of(r->element[at], c.complete) && integer_of(r->element[at + 1], c.incomplete) &&
         integer_of(r->element[at + 2], c.downloaded);
}

class redis_swarm_store final : public async_swarm_store {
 public:
  redis_swarm_store(asio::io_context& io, std::shared_ptr<const config> cfg, std::size_t links) {
    std::uint64_t seed = static_cast<std::uint64_t>(clock::now().time_since_epoch().count());
    for (std::size_t i = 0; i < std::max<std::size_t>(links, 1); ++i) {
      links_.push_back(std::make_shared<redis_link>(io, cfg, seed + 0x9E3779B97F4A7C15ull * (i + 1)));
      links_.back()->start();
    }
  }

  ~redis_swarm_store() override {
    for (auto& l : links_) l->shutdown();
  }

  void announce(const peer_announce& a, std::size_t want, std::vector<swarm_peer>& out,
                announce_done done) override {
    out.clear();
    auto& link = link_of(a.info_hash);
    const char ev = a.event == announce_event::stopped     ? 'x'
                    : a.event == announce_event::completed ? 'c'
                    : a.event == announce_event::started   ? 's'
                                                       : 'n';
    std::vector<std::string> args{link->cfg().prefix,
                                  a.info_hash.str(),
                                  std::string(a.peer_id.begin(), a.peer_id.end()),
                                  packed_peer(a),
                                  a.seeder ? "1" : "0",
                                  std::string(1, ev),
                                  std::to_string(a.now),
                                  std::to_string(want)};
    link->eval(announce_script, std::move(args),
               [l = link.get(), &out, want, self = a.peer_id, done = std::move(done)](
                   const store_status& st, const redisReply* r) {
                 swarm_counts c;
                 if (!st) return done(st, c);
                 if (!read_counts(r, 0, c) ||
                     (r->elements >= 5 && (!append_peers(r->element[3], self, out) ||
                                           !append_peers(r->element[4], self, out)))) {
                   out.clear();
                   return done(bad_reply("announce"), c);
                 }
                 keep_random(*l, want, out);
                 done(st, c);
               });
  }

  void scrape(std::span<const sha1_digest> hashes, std::vector<scrape_file>& out,
              fill_done done) override {
    if (hashes.empty()) return done(store_status{});
    auto& link = link_of(hashes.front());
    std::vector<std::string> args{link->cfg().prefix};
    for (const auto& h : hashes) args.push_back(h.str());
    std::vector<sha1_digest> keys(hashes.begin(), hashes.end());
    link->eval(scrape_script, std::move(args),
               [keys = std::move(keys), &out, done = std::move(done)](const store_status& st,
                                                                       const redisReply* r) {
                 if (!st) return done(st);
                 for (std::size_t i = 0; i < keys.size(); ++i) {
                   swarm_counts c;
                   if (!read_counts(r, i * 3, c)) return done(bad_reply("scrape"));
                   out.push_back({keys[i], c});
                 }
                 done(store_status{});
               });
  }

  void scrape_all(std::vector<scrape_file>& out, fill_done done) override {
    scrape_page_from(links_.front(), "0", out, std::move(done));
  }

  void expire(std::uint32_t cutoff, expire_done done) override {
    expire_from(links_.front(), cutoff, 0, std::move(done));
  }

  void totals(totals_done done) override {
    auto& link = links_.front();
    link->eval(totals_script, {link->cfg().prefix},
               [done = std::move(done)](const store_status& st, const redisReply* r) {
                 store_totals t;
                 if (!st) return done(st, t);
                 swarm_counts c;
                 if (!read_counts(r, 0, c)) return done(bad_reply("totals"), t);
                 t.torrents = static_cast<std::uint64_t>(std::max<std::int64_t>(c.complete, 0));
                 t.peers = static_cast<std::uint64_t>(std::max<std::int64_t>(c.incomplete, 0));
                 t.seeders = static_cast<std::uint64_t>(std::max<std::int64_t>(c.downloaded, 0));
                 done(st, t);
               });
  }

  void shared_key(std::string_view name, std::string proposal, key_done done) override {
    auto& link = links_.front();
    link->eval(key_script, {link->cfg().prefix + std::string(name), std::move(proposal)},
               [done = std::move(done)](const store_status& st, const redisReply* r) {
                 if (!st) return done(st, {});
                 if (r->type != REDIS_REPLY_STRING) return done(bad_reply("shared key"), {});
                 done(st, std::string(view_of(r)));
               });
  }

  std::string describe() const override { return "redis://" + links_.front()->cfg().name; }

 private:
  static store_status bad_reply(std::string_view what) {
    return {store_errc::bad_reply, "redis: malformed reply to " + std::string(what)};
  }

  std::shared_ptr<redis_link>& link_of(const sha1_digest& h) {
    std::uint64_t x;
    std::memcpy(&x, h.bytes.data() + 4, sizeof x);
    return links_[x % links_.size()];
  }

  // The sample has up to want+1 seeders and want+1 leechers: keep a random `want`.
  static void keep_random(redis_link& link, std::size_t want, std::vector<swarm_peer>& out) {
    if (out.size() <= want) return;
    for (std::size_t i = 0; i < want; ++i) {
      std::size_t j = i + link.next_random() % (out.size() - i);
      std::swap(out[i], out[j]);
    }
    out.resize(want);
  }

  // SSCAN the torrent set a page at a time, scraping each page, until the cursor is 0.
  void scrape_page_from(std::shared_ptr<redis_link> link, std::string cursor,
                        std::vector<scrape_file>& out, fill_done done) {
    std::string set = link->cfg().prefix + "torrents";
    link->command(
        {"SSCAN", set, cursor, "COUNT", std::to_string(scrape_page)},
        [this, link, &out, done = std::move(done)](const store_status& st,
                                                   const redisReply* r) mutable {
          if (!st) return done(st);
          if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
              r->element[0]->type != REDIS_REPLY_STRING ||
              r->element[1]->type != REDIS_REPLY_ARRAY) {
            return done(bad_reply("SSCAN"));
          }
          std::string next(view_of(r->element[0]));
          std::vector<sha1_digest> page;
          for (std::size_t i = 0; i < r->element[1]->elements; ++i) {
            const redisReply* e = r->element[1]->element[i];
            sha1_digest h;
            if (e->type != REDIS_REPLY_STRING || !sha1_digest::from_bytes(view_of(e), h)) {
              return done(bad_reply("SSCAN"));
            }
            page.push_back(h);
          }
          auto page_out = std::make_shared<std::vector<scrape_file>>();
          auto keys = std::make_shared<std::vector<sha1_digest>>(std::move(page));
          scrape(*keys, *page_out,
                 [this, link, keys, page_out, next, &out, done = std::move(done)](
                     const store_status& st) mutable {
                   if (!st) return done(st);
                   // A swarm may have emptied between SSCAN and the scrape.
                   for (const auto& f : *page_out) {
                     if (f.counts.complete + f.counts.incomplete > 0) out.push_back(f);
                   }
                   if (next == "0") return done(store_status{});
                   scrape_page_from(link, next, out, std::move(done));
                 });
        });
  }

  void expire_from(std::shared_ptr<redis_link> link, std::uint32_t cutoff, std::size_t removed,
                   expire_done done) {
    link->eval(expire_script,
               {link->cfg().prefix, std::to_string(cutoff), std::to_string(expire_batch)},
               [this, link, cutoff, removed, done = std::move(done)](
                   const store_status& st, const redisReply* r) mutable {
                 if (!st) return done(st, removed);
                 std::int64_t n = 0;
                 if (!integer_of(r, n) || n < 0) return done(bad_reply("expire"), removed);
                 removed += static_cast<std::size_t>(n);
                 // Batches keep Redis answering others between them.
                 if (static_cast<std::size_t>(n) < expire_batch) return done(st, removed);
                 expire_from(link, cutoff, removed, std::move(done));
               });
  }

  std::vector<std::shared_ptr<redis_link>> links_;
};

std::string resolve(const std::string& host, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    error = ::gai_strerror(rc);
    return {};
  }
  char text[NI_MAXHOST];
  rc = ::getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
  ::freeaddrinfo(res);
  if (rc != 0) {
    error = ::gai_strerror(rc);
    return {};
  }
  return text;
}

}  // namespace

result<std::unique_ptr<async_swarm_store>> make_redis_swarm_store(asio::io_context& io,
                                                                  redis_store_options o) {
  auto cfg = std::make_shared<config>();
  std::string why;
  cfg->ip = resolve(o.host, why);
  if (cfg->ip.empty()) return error{"redis host " + o.host + ": " + why};
  cfg->port = o.port;
  cfg->db = o.db;
  bool v6 = cfg->ip.find(':') != std::string::npos;
  cfg->name = (v6 ? "[" + cfg->ip + "]" : cfg->ip) + ":" + std::to_string(o.port) + "/" +
              std::to_string(o.db);
  cfg->prefix = o.key_prefix;
  cfg->timeout = std::chrono::milliseconds(o.timeout_ms);
  cfg->max_backoff = std::chrono::milliseconds(std::max(o.max_backoff_ms, 50u));
  for (std::size_t i = 0; i < script_count; ++i) cfg->shas[i] = sha1(script_texts[i]).hex();
  std::unique_ptr<async_swarm_store> store =
      std::make_unique<redis_swarm_store>(io, std::move(cfg), o.connections);
  return store;
}

}  // namespace shoal::tracker
