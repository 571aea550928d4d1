#include "shoal/tracker/server/tracker_logic.hpp"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "shoal/tracker/protocol/query_params.hpp"

namespace shoal::tracker {

namespace {

// The `ip` parameter (percent-encoded dotted quad or IPv6 text) into `from`.
bool parse_ip_param(std::string_view raw, peer_origin& from) {
  std::uint8_t text[64];
  auto n = percent_decode(raw, text, sizeof text - 1);
  if (!n) return false;
  text[*n] = 0;
  peer_origin parsed;
  const char* s = reinterpret_cast<const char*>(text);
  if (::inet_pton(AF_INET, s, parsed.ip.data()) == 1) {
    parsed.v6 = false;
  } else if (::inet_pton(AF_INET6, s, parsed.ip.data()) == 1) {
    parsed.v6 = true;
  } else {
    return false;
  }
  from = parsed;
  return true;
}

// What a client is told when the store failed; the log gets the store's own words.
std::string_view store_refusal(const store_status& st) {
  spdlog::debug("store: {}", st.message);
  return store_unavailable_reason;
}

}  // namespace

tracker_logic::tracker_logic(tracker_config config, async_swarm_store& store,
                             std::uint32_t clock_origin)
    : config_(config), store_(store), clock_origin_(clock_origin) {}

void tracker_logic::set_filter(std::shared_ptr<const info_hash_list> list, list_mode mode) {
  list_mode effective = list ? mode : list_mode::none;
  list_.store(std::move(list));
  mode_.store(effective);
}

std::string_view tracker_logic::refusal(const sha1_digest& h) const {
  list_mode mode = mode_.load(std::memory_order_relaxed);
  if (mode == list_mode::none) return {};
  auto list = list_.load();
  bool listed = list && list->contains(h);
  if (mode == list_mode::whitelist && !listed) return "info_hash not in whitelist";
  if (mode == list_mode::blacklist && listed) return "info_hash is blacklisted";
  return {};
}

void tracker_logic::announce(const announce_request& q, const peer_origin& from, std::uint32_t now,
                             std::vector<swarm_peer>& peers, announce_done done) {
  counters_.add(tracker_count::announces);
  announce_outcome out;
  peers.clear();
  if (out.refusal = refusal(q.info_hash); !out.refusal.empty()) return done(out);

  peer_announce pa;
  pa.info_hash = q.info_hash;
  pa.peer_id = q.peer_id;
  pa.ip = from.ip;
  pa.v6 = from.v6;
  if (config_.allow_ip_param && !q.ip.empty()) {
    peer_origin claimed;
    if (!parse_ip_param(q.ip, claimed)) {
      out.refusal = "malformed parameter ip: not an IPv4 or IPv6 address";
      return done(out);
    }
    pa.ip = claimed.ip;
    pa.v6 = claimed.v6;
  }
  pa.port = q.port;
  // A completed event makes a seeder even from a client that still reports bytes left.
  pa.seeder = q.left == 0 || q.event == announce_event::completed;
  pa.event = q.event;
  pa.now = store_time(now);
  int want = q.numwant < 0 ? config_.default_numwant : q.numwant;
  want = std::clamp(want, 0, config_.max_numwant);

  out.head.interval = config_.interval;
  out.head.min_interval = config_.min_interval;
  store_.announce(pa, static_cast<std::size_t>(want), peers,
                  [out, &peers, done = std::move(done)](const store_status& st,
                                                        const swarm_counts& c) mutable {
                    if (!st) {
                      peers.clear();
                      out.refusal = store_refusal(st);
                    }
                    out.head.counts = c;
                    done(out);
                  });
}

void tracker_logic::scrape(std::span<const sha1_digest> hashes, std::vector<scrape_file>& files,
                           scrape_done done) {
  counters_.add(tracker_count::scrapes);
  files.clear();
  if (hashes.empty() && !config_.full_scrape) return done("full scrape disabled: give info_hash");
  for (const auto& h : hashes) {
    if (auto why = refusal(h); !why.empty()) return done(why);
  }
  auto finish = [done = std::move(done)](const store_status& st) {
    done(st ? std::string_view{} : store_refusal(st));
  };
  if (hashes.empty()) return store_.scrape_all(files, std::move(finish));
  store_.scrape(hashes, files, std::move(finish));
}

}  // namespace shoal::tracker
