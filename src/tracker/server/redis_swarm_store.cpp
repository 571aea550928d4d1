// The Redis swarm store: every process of a tracker cluster keeps its swarms in one Redis (layout and scripts
// in redis_scripts.hpp), through a few links (redis_link.hpp).
#include "shoal/tracker/server/redis_swarm_store.hpp"

#include <netdb.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "redis_link.hpp"
#include "redis_reply.hpp"
#include "redis_scripts.hpp"
#include "shoal/hash/sha1.hpp"

namespace shoal::tracker {

namespace asio = boost::asio;

namespace {

using namespace redis;

constexpr std::size_t expire_batch = 1000;
constexpr std::size_t scrape_page = 500;


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
