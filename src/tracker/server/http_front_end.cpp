#include "shoal/tracker/server/http_front_end.hpp"

#include <charconv>

#include "shoal/tracker/protocol/announce_request.hpp"
#include "shoal/tracker/protocol/query_params.hpp"
#include "shoal/tracker/protocol/scrape_query.hpp"

namespace shoal::tracker {

namespace {

void failure(http_reply& reply, std::string_view reason) {
  reply.status = 200;  // BEP 3: failures are bencoded replies, not HTTP errors
  reply.content_type = "text/plain";
  write_failure_response(reply.body, reason);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

}  // namespace

void http_front_end::handle(std::string_view target, const peer_origin& from,
                            std::uint32_t now, request_scratch& scratch, http_reply& reply,
                            done_fn done) {
  reply.body.clear();
  reply.status = 200;
  reply.content_type = "text/plain";
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  if (path == "/announce") return announce(query, from, now, scratch, reply, std::move(done));
  if (path == "/scrape") return scrape(query, scratch, reply, std::move(done));
  if (path == "/stats") return stats(false, now, reply, std::move(done));
  if (path == "/metrics") return stats(true, now, reply, std::move(done));
  reply.status = 404;
  reply.body = "not found\n";
  done();
}

void http_front_end::announce(std::string_view query, const peer_origin& from,
                              std::uint32_t now, request_scratch& scratch, http_reply& reply,
                              done_fn done) {
  auto parsed = parse_announce_request(query);
  if (!parsed) {
    logic_.counters().add(tracker_count::announces);  // refused, but asked all the same
    failure(reply, parsed.message());
    return done();
  }
  bool compact = parsed->compact;
  bool with_id = !parsed->no_peer_id;
  logic_.announce(*parsed, from, now, scratch.peers,
                  [&scratch, &reply, compact, with_id, done = std::move(done)](
                      const announce_outcome& out) {
                    if (!out.refusal.empty()) {
                      failure(reply, out.refusal);
                    } else {
                      write_announce_response(reply.body, out.head, scratch.peers, compact, with_id);
                    }
                    done();
                  });
}

void http_front_end::scrape(std::string_view query, request_scratch& scratch,
                            http_reply& reply, done_fn done) {
  if (auto st = parse_scrape_query(query, scratch.hashes); !st) {
    logic_.counters().add(tracker_count::scrapes);
    failure(reply, st.message());
    return done();
  }
  logic_.scrape(scratch.hashes, scratch.files,
                [&scratch, &reply, done = std::move(done)](std::string_view why) {
                  if (!why.empty()) {
                    failure(reply, why);
                  } else {
                    write_scrape_response(reply.body, scratch.files);
                  }
                  done();
                });
}

void http_front_end::stats(bool prometheus, std::uint32_t now, http_reply& reply, done_fn done) {
  logic_.totals([this, prometheus, now, &reply, done = std::move(done)](
                    const store_status& st, const store_totals& t) {
    if (!st) {
      // Monitoring should see the store down, not zeros.
      reply.status = 503;
      reply.body = std::string(store_unavailable_reason) + "\n";
    } else if (prometheus) {
      stats_prometheus(now, t, reply);
    } else {
      stats_json(now, t, reply);
    }
    done();
  });
}

void http_front_end::stats_json(std::uint32_t now, const store_totals& t, http_reply& reply) {
  auto count = [this](tracker_count c) { return logic_.counters().get(c); };
  reply.content_type = "application/json";
  std::string& o = reply.body;
  const std::pair<const char*, std::uint64_t> fields[] = {
      {"torrents", t.torrents}, {"peers", t.peers}, {"seeders", t.seeders},
      {"leechers", t.peers - t.seeders}, {"announces", count(tracker_count::announces)},
      {"scrapes", count(tracker_count::scrapes)},
      {"udp_connects", count(tracker_count::udp_connects)},
      {"udp_announces", count(tracker_count::udp_announces)},
      {"udp_scrapes", count(tracker_count::udp_scrapes)},
      {"udp_errors", count(tracker_count::udp_errors)},
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

void http_front_end::stats_prometheus(std::uint32_t now, const store_totals& t,
                                      http_reply& reply) {
  auto count = [this](tracker_count c) { return logic_.counters().get(c); };
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
      {"shoal_tracker_announces_total", "counter", "Announce requests served (HTTP and UDP)",
       count(tracker_count::announces)},
      {"shoal_tracker_scrapes_total", "counter", "Scrape requests served (HTTP and UDP)",
       count(tracker_count::scrapes)},
      {"shoal_tracker_udp_connects_total", "counter", "UDP connect requests answered",
       count(tracker_count::udp_connects)},
      {"shoal_tracker_udp_announces_total", "counter", "Announce requests served over UDP",
       count(tracker_count::udp_announces)},
      {"shoal_tracker_udp_scrapes_total", "counter", "Scrape requests served over UDP",
       count(tracker_count::udp_scrapes)},
      {"shoal_tracker_udp_errors_total", "counter",
       "UDP requests answered with an error (unknown connection id, malformed, refused)",
       count(tracker_count::udp_errors)},
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
