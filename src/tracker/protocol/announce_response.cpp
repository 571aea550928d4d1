#include "shoal/tracker/protocol/announce_response.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "shoal/bencode/encode.hpp"

namespace shoal::tracker {

using bencode::append_int;
using bencode::append_string;

namespace {

void append_key_int(std::string& out, std::string_view key, std::int64_t v) {
  append_string(out, key);
  append_int(out, v);
}

void append_compact(std::string& out, std::string_view key, std::span<const swarm_peer> peers,
                    bool v6) {
  std::size_t width = v6 ? 18 : 6;
  std::size_t count = 0;
  for (const auto& p : peers) count += p.v6 == v6;
  append_string(out, key);
  char len[24];
  auto [end, ec] = std::to_chars(len, len + sizeof len, count * width);
  (void)ec;  // 24 bytes always fit a size_t
  out.append(len, end);
  out.push_back(':');
  std::size_t ip_len = v6 ? 16 : 4;
  for (const auto& p : peers) {
    if (p.v6 != v6) continue;
    out.append(reinterpret_cast<const char*>(p.ip.data()), ip_len);
    out.push_back(static_cast<char>(p.port >> 8));
    out.push_back(static_cast<char>(p.port & 0xff));
  }
}

void append_dict_peers(std::string& out, std::span<const swarm_peer> peers, bool with_id) {
  append_string(out, "peers");
  out.push_back('l');
  for (const auto& p : peers) {
    out.push_back('d');
    append_string(out, "ip");
    append_string(out, ip_to_string(p.ip, p.v6));
    if (with_id) {
      append_string(out, "peer id");
      append_string(out, {reinterpret_cast<const char*>(p.id.data()), p.id.size()});
    }
    append_key_int(out, "port", p.port);
    out.push_back('e');
  }
  out.push_back('e');
}

}  // namespace

void write_announce_response(std::string& out, const announce_response_head& head,
                             std::span<const swarm_peer> peers, bool compact,
                             bool include_peer_id) {
  out.push_back('d');
  append_key_int(out, "complete", head.counts.complete);
  append_key_int(out, "downloaded", head.counts.downloaded);
  append_key_int(out, "incomplete", head.counts.incomplete);
  append_key_int(out, "interval", head.interval);
  append_key_int(out, "min interval", head.min_interval);
  if (compact) {
    append_compact(out, "peers", peers, false);
    bool any_v6 = std::any_of(peers.begin(), peers.end(), [](const auto& p) { return p.v6; });
    if (any_v6) append_compact(out, "peers6", peers, true);
  } else {
    append_dict_peers(out, peers, include_peer_id);
  }
  out.push_back('e');
}

void write_failure_response(std::string& out, std::string_view reason) {
  out.push_back('d');
  append_string(out, "failure reason");
  append_string(out, reason);
  out.push_back('e');
}

void write_scrape_response(std::string& out, std::vector<scrape_file>& files) {
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.info_hash < b.info_hash; });
  auto last = std::unique(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.info_hash == b.info_hash;
  });
  files.erase(last, files.end());
  out.push_back('d');
  append_string(out, "files");
  out.push_back('d');
  for (const auto& f : files) {
    append_string(out, f.info_hash.view());
    out.push_back('d');
    append_key_int(out, "complete", f.counts.complete);
    append_key_int(out, "downloaded", f.counts.downloaded);
    append_key_int(out, "incomplete", f.counts.incomplete);
    out.push_back('e');
  }
  out.push_back('e');
  out.push_back('e');
}

std::string ip_to_string(const ip_bytes& ip, bool v6) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, ip.data(), buf, sizeof buf);
  return buf;
}

}  // namespace shoal::tracker
