#include "shoal/cmd/announce_command.hpp"

#include "shoal/wire/handshake.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include <cstring>
#include <ostream>
#include <random>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/tracker/client/announcer.hpp"
#include "shoal/util/hex.hpp"

namespace shoal::cmd {

namespace {

namespace asio = boost::asio;

result<announce_event> parse_event(const std::string& name) {
  if (name == "started") return announce_event::started;
  if (name == "completed") return announce_event::completed;
  if (name == "stopped") return announce_event::stopped;
  if (name == "none" || name.empty()) return announce_event::none;
  return error{"--event must be started, completed, stopped or none, not \"" + name + "\""};
}

std::string random_peer_id() {
  const auto id = wire::make_peer_id();
  return std::string(id.begin(), id.end());
}

// The request and tracker tiers from the options; errors name the option at fault.
result<announce_request> make_request(const announce_options& o,
                                      std::vector<std::vector<std::string>>& tiers) {
  announce_request req;
  if (!o.torrent.empty()) {
    auto meta = load_metainfo(o.torrent);
    if (!meta) return meta.err();
    req.info_hash = meta->info_hash;
    tiers = meta->trackers;
  }
  for (const auto& url : o.trackers) tiers.push_back({url});
  if (!o.info_hash_hex.empty()) {
    auto raw = from_hex(o.info_hash_hex);
    if (!raw || !sha1_digest::from_bytes(*raw, req.info_hash))
      return error{"--info-hash must be 40 hex digits"};
  } else if (o.torrent.empty()) {
    return error{"give a .torrent file or --info-hash"};
  }
  if (tiers.empty()) return error{"no tracker: the torrent lists none and no --tracker was given"};
  const std::string id = o.peer_id.empty() ? random_peer_id() : o.peer_id;
  if (id.size() != 20) return error{"--peer-id must be exactly 20 bytes"};
  std::memcpy(req.peer_id.data(), id.data(), 20);
  auto event = parse_event(o.event);
  if (!event) return event.err();
  req.event = *event;
  req.port = o.port;
  req.uploaded = o.uploaded;
  req.downloaded = o.downloaded;
  req.left = o.left;
  req.numwant = o.numwant;
  return req;
}

}  // namespace

int run_announce(const announce_options& options, std::ostream& out, std::ostream& err) {
  std::vector<std::vector<std::string>> tiers;
  auto req = make_request(options, tiers);
  if (!req) {
    err << "announce: " << req.message() << "\n";
    return 2;
  }
  asio::io_context ioc;
  announcer client(ioc.get_executor(), std::move(tiers),
                   std::chrono::seconds(std::max(1, options.timeout_seconds)));
  std::optional<result<announce_response>> reply;
  auto task = [&]() -> asio::awaitable<void> { reply.emplace(co_await client.announce(*req)); };
  asio::co_spawn(ioc, task(), [&](std::exception_ptr e) {
    if (e) reply.emplace(error{"internal error in the announce"});
  });
  ioc.run();
  if (!reply || !*reply) {
    err << "announce: " << (reply ? reply->message() : "no result") << "\n";
    return 1;
  }
  const announce_response& r = **reply;
  spdlog::info("interval {} s, {} seeders, {} leechers, {} peers", r.interval,
               r.complete.value_or(-1), r.incomplete.value_or(-1), r.peers.size());
  for (const auto& peer : r.peers) out << peer.to_string() << "\n";
  return 0;
}

}  // namespace shoal::cmd
