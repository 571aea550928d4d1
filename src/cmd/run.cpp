#include "shoal/cmd/run.hpp"

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/address.hpp>
#include <spdlog/spdlog.h>

#include "shoal/cmd/peer_process.hpp"
#include "shoal/metainfo/magnet.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/session/data_check.hpp"

namespace fs = std::filesystem;

namespace shoal::cmd {

namespace {

// --peer HOST:PORT: numeric addresses as they are, names through the resolver (localhost included).
result<peer_address> resolve_peer(const std::string& text) {
  if (auto a = peer_address::parse(text)) return *a;
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return error{"--peer " + text + ": expected HOST:PORT"};
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver r(io);
  boost::system::error_code ec;
  auto found = r.resolve(text.substr(0, colon), text.substr(colon + 1), ec);
  if (ec || found.empty()) return error{"--peer " + text + ": cannot resolve: " + ec.message()};
  auto ep = found.begin()->endpoint();
  auto a = peer_address::from_ip(ep.address().to_string(), ep.port());
  if (!a) return error{"--peer " + text + ": unusable address"};
  return *a;
}

session::session_options process_options(const peer_process_config& cfg) {
  session::session_options so;
  so.host = cfg.host;
  so.port = cfg.port;
  so.hash_threads = cfg.hash_threads;
  so.max_upload_rate_total = cfg.max_upload_rate_total;
  so.max_peers_total = cfg.max_peers_total;
  so.dht = !cfg.no_dht;
  if (cfg.dht_port != 0) so.dht_port = cfg.dht_port;
  so.dht_bootstrap = cfg.dht_bootstrap;
  return so;
}

}  // namespace

int run_seed(const seed_config& cfg) {
  process_setup setup;
  setup.session = process_options(cfg);
  setup.seed = true;
  setup.json = cfg.json;
  setup.control = cfg.control;
  const bool several = cfg.torrents.size() > 1;
  torrent_loader load = [&](const std::string& file) -> result<torrent_request> {
    auto m = load_metainfo(file);
    if (!m) return m.err();
    session::torrent_options to;
    to.seed_only = true;
    to.max_peers = cfg.max_peers;
    to.super_seed = cfg.super_seed;
    to.seed_ratio = cfg.seed_ratio;
    to.upload_slots = cfg.upload_slots;
    to.upload_rate_limit = cfg.max_upload_rate;
    to.hash_threads = cfg.hash_threads;
    metainfo info = std::move(*m);
    if (several && !cfg.data.empty()) {
      to.root = fs::absolute(cfg.data);  // DIR/<name>: the file, or the multi-file folder
    } else if (!cfg.data.empty()) {
      fs::path content = fs::absolute(cfg.data).lexically_normal();
      if (content.has_filename() == false) content = content.parent_path();
      to.root = content.parent_path();
      if (content.filename().string() != info.name)
        info = session::with_content_name(info, content.filename().string());
    } else {
      to.root = fs::current_path();
    }
    return torrent_request{std::move(info), std::move(to), std::nullopt};
  };
  return run_peer_process(setup, cfg.torrents, load);
}

int run_leech(const leech_config& cfg) {
  std::vector<peer_address> peers;
  for (const auto& p : cfg.peers) {
    auto a = resolve_peer(p);
    if (!a) {
      spdlog::error("{}", a.message());
      return 2;
    }
    peers.push_back(*a);
  }
  std::error_code ec;
  fs::create_directories(cfg.output, ec);
  if (ec) {
    spdlog::error("output {}: cannot create: {}", cfg.output, ec.message());
    return 1;
  }
  process_setup setup;
  setup.session = process_options(cfg);
  setup.session.any_port_if_busy = true;
  setup.session.max_download_rate_total = cfg.max_download_rate_total;
  setup.json = cfg.json;
  setup.control = cfg.control;
  torrent_loader load = [&](const std::string& file) -> result<torrent_request> {
    session::torrent_options to;
    std::optional<magnet_link> magnet;
    auto m = looks_like_magnet(file) ? result<metainfo>(metainfo{}) : load_metainfo(file);
    if (!m) return m.err();
    if (looks_like_magnet(file)) {
      auto link = parse_magnet(file);
      if (!link) return error{link.code(), "magnet link: " + link.message()};
      if (link->peers.empty() && link->peer_hosts.empty() && link->trackers.empty() && peers.empty() && cfg.no_dht)
        spdlog::warn("magnet {}: no trackers, no x.pe, no --peer and --no-dht: nobody to ask", link->info_hash.hex());
      to.save_torrent = cfg.save_torrent;
      magnet = std::move(*link);
    }
    to.root = cfg.output;
    to.keep_seeding = cfg.seed || cfg.seed_ratio > 0;
    to.seed_ratio = cfg.seed_ratio;
    to.max_peers = cfg.max_peers;
    to.upload_slots = cfg.upload_slots;
    to.upload_rate_limit = cfg.max_upload_rate;
    to.download_rate_limit = cfg.max_download_rate;
    to.timeout = std::chrono::seconds(cfg.timeout_s);
    to.hash_threads = cfg.hash_threads;
    to.overwrite = cfg.overwrite;
    to.preallocate = !cfg.sparse;
    to.peers = peers;
    if (!magnet && m->trackers.empty() && peers.empty())
      spdlog::warn("{}: no trackers and no --peer: nobody to ask", file);
    return torrent_request{std::move(*m), std::move(to), std::move(magnet)};
  };
  return run_peer_process(setup, cfg.torrents, load);
}

}  // namespace shoal::cmd
