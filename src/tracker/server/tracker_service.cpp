#include "shoal/tracker/server/tracker_service.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "shoal/tracker/protocol/announce_query.hpp"
#include "shoal/tracker/protocol/query_params.hpp"
#include "shoal/tracker/protocol/scrape_query.hpp"

namespace shoal::tracker {

namespace {

void failure(http_reply& reply, std::string_view reason) {
  reply.status = 200;  // BEP 3: failures are bencoded replies, not HTTP errors
  reply.content_type = "text/plain";
  write_failure_response(reply.body, reason);
}

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

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

}  // namespace

tracker_service::tracker_service(tracker_config config, swarm_store& store)
    : config_(config), store_(store) {}

void tracker_service::set_filter(std::shared_ptr<const info_hash_list> list, list_mode mode) {
  list_mode effective = list ? mode : list_mode::none;
  list_.store(std::move(list));
  mode_.store(effective);
}

std::string_view tracker_service::refusal(const sha1_digest& h) const {
  list_mode mode = mode_.load(std::memory_order_relaxed);
  if (mode == list_mode::none) return {};
  auto list = list_.load();
  bool listed = list && list->contains(h);
  if (mode == list_mode::whitelist && !listed) return "info_hash not in whitelist";
  if (mode == list_mode::blacklist && listed) return "info_hash is blacklisted";
  return {};
}

void tracker_service::handle(std::string_view target, const peer_origin& from,
                             std::uint32_t now, request_scratch& scratch, http_reply& reply) {
  reply.body.clear();
  reply.status = 200;
  reply.content_type = "text/plain";
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  if (path == "/announce") return announce(query, from, now, scratch, reply);
  if (path == "/scrape") return scrape(query, scratch, reply);
  if (path == "/stats") return stats_json(now, reply);
  if (path == "/metrics") return stats_prometheus(now, reply);
  reply.status = 404;
  reply.body = "not found\n";
}

void tracker_service::announce(std::string_view query, const peer_origin& from,
                               std::uint32_t now, request_scratch& scratch, http_reply& reply) {
  announces_.fetch_add(1, std::memory_order_relaxed);
  auto parsed = parse_announce_query(query);
  if (!parsed) return failure(reply, parsed.message());
  const announce_query& a = *parsed;
  if (auto why = refusal(a.info_hash); !why.empty()) return failure(reply, why);

  peer_announce pa;
  pa.info_hash = a.info_hash;
  pa.peer_id = a.peer_id;
  pa.ip = from.ip;
  pa.v6 = from.v6;
  if (config_.allow_ip_param && !a.ip.empty()) {
    peer_origin claimed;
    if (!parse_ip_param(a.ip, claimed)) {
      return failure(reply, "malformed parameter ip: not an IPv4 or IPv6 address");
    }
    pa.ip = claimed.ip;
    pa.v6 = claimed.v6;
  }
  pa.port = a.port;
  pa.seeder = a.left == 0;
  pa.event = a.event;
  pa.now = now;
  int want = a.numwant < 0 ? config_.default_numwant : a.numwant;
  want = std::min(want, config_.max_numwant);
  announce_reply_head head;
  head.interval = config_.interval;
  head.min_interval = config_.min_interval;
  head.counts = store_.announce(pa, static_cast<std::size_t>(std::max(want, 0)), scratch.peers);
  write_announce_response(reply.body, head, scratch.peers, a.compact, !a.no_peer_id);
}

void tracker_service::scrape(std::string_view query, request_scratch& scratch,
                             http_reply& reply) {
  scrapes_.fetch_add(1, std::memory_order_relaxed);
  if (auto st = parse_scrape_query(query, scratch.hashes); !st) return failure(reply, st.message());
  scratch.files.clear();
  if (scratch.hashes.empty()) {
    if (!config_.full_scrape) return failure(reply, "full scrape disabled: give info_hash");
    store_.scrape_all(scratch.files);
  } else {
    for (const auto& h : scratch.hashes) {
      if (auto why = refusal(h); !why.empty()) return failure(reply, why);
      scratch.files.push_back({h, store_.scrape(h)});
    }
  }
  write_scrape_response(reply.body, scratch.files);
}

void tracker_service::stats_json(std::uint32_t now, http_reply& reply) {
  store_totals t = store_.totals();
  reply.content_type = "application/json";
  std::string& o = reply.body;
  const std::pair<const char*, std::uint64_t> fields[] = {
      {"torrents", t.torrents}, {"peers", t.peers}, {"seeders", t.seeders},
      {"leechers", t.peers - t.seeders}, {"announces", announces()}, {"scrapes", scrapes()},
      {"uptime_seconds", now}};
  o.push_back('{');
  for (const auto& [name, v] : fields) {
    if (o.size() > 1) o.push_back(',');
    o += '"';
    o += name;
    o += "\":";
    append_uint(o, v);
  }
  o += "}\n";
}

void tracker_service::stats_prometheus(std::uint32_t now, http_reply& reply) {
  store_totals t = store_.totals();
  reply.content_type = "text/plain; version=0.0.4";
  struct metric {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t value;
  };
  const metric metrics[] = {
      {"shoal_tracker_torrents", "gauge", "Torrents with at least one live peer", t.torrents},
      {"shoal_tracker_peers", "gauge", "Live peers", t.peers},
      {"shoal_tracker_seeders", "gauge", "Live peers with nothing left", t.seeders},
      {"shoal_tracker_leechers", "gauge", "Live peers still downloading", t.peers - t.seeders},
      {"shoal_tracker_announces_total", "counter", "Announce requests served", announces()},
      {"shoal_tracker_scrapes_total", "counter", "Scrape requests served", scrapes()},
      {"shoal_tracker_uptime_seconds", "gauge", "Seconds since the tracker started", now}};
  std::string& o = reply.body;
  for (const auto& m : metrics) {
    o += "# HELP ";
    o += m.name;
    o += ' ';
    o += m.help;
    o += "\n# TYPE ";
    o += m.name;
    o += ' ';
    o += m.type;
    o += '\n';
    o += m.name;
    o += ' ';
    append_uint(o, m.value);
    o += '\n';
  }
}

}  // namespace shoal::tracker
