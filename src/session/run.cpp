#include "shoal/session/run.hpp"

#include <unistd.h>

#include <filesystem>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/address.hpp>
#include <spdlog/spdlog.h>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/session/data_check.hpp"
#include "shoal/session/session.hpp"

namespace fs = std::filesystem;

namespace shoal::session {

namespace {

bool on_terminal() { return ::isatty(STDERR_FILENO) == 1; }

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

// Loads a torrent file, saying why not on failure.
std::optional<metainfo> load(const std::string& file) {
  auto m = load_metainfo(file);
  if (!m) {
    spdlog::error("{}", m.message());
    return std::nullopt;
  }
  return std::move(*m);
}

session_options process_options(const peer_process_config& cfg) {
  session_options so;
  so.host = cfg.host;
  so.port = cfg.port;
  so.hash_threads = cfg.hash_threads;
  so.max_upload_rate_total = cfg.max_upload_rate_total;
  so.max_peers_total = cfg.max_peers_total;
  return so;
}

}  // namespace

int run_seed(const seed_config& cfg) {
  session s(process_options(cfg));
  if (auto st = s.listen(); !st) return (spdlog::error("{}", st.message()), 1);
  // With several torrents, one that cannot be served is reported and skipped; the others are served.
  const bool several = cfg.torrents.size() > 1;
  for (const auto& file : cfg.torrents) {
    auto m = load(file);
    if (!m) {
      if (several) spdlog::warn("{}: skipped", file);
      continue;
    }
    torrent_options to;
    to.seed_only = true;
    to.max_peers = cfg.max_peers;
    to.super_seed = cfg.super_seed;
    to.seed_ratio = cfg.seed_ratio;
    to.upload_slots = cfg.upload_slots;
    to.upload_rate_limit = cfg.max_upload_rate;
    to.hash_threads = cfg.hash_threads;
    to.progress_bar = on_terminal();
    metainfo info = std::move(*m);
    if (several && !cfg.data.empty()) {
      to.root = fs::absolute(cfg.data);  // DIR/<name>: the file, or the multi-file folder
    } else if (!cfg.data.empty()) {
      fs::path content = fs::absolute(cfg.data).lexically_normal();
      if (content.has_filename() == false) content = content.parent_path();
      to.root = content.parent_path();
      if (content.filename().string() != info.name) info = with_content_name(info, content.filename().string());
    } else {
      to.root = fs::current_path();
    }
    if (auto st = s.add(std::move(info), to); !st)
      spdlog::error("{}: cannot seed: {}{}", file, st.message(), several ? "; skipped" : "");
  }
  if (s.torrent_count() == 0) {
    if (several) spdlog::error("nothing to seed: none of the {} torrents can be served", cfg.torrents.size());
    return 1;
  }
  return s.run();
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
  session_options so = process_options(cfg);
  so.any_port_if_busy = true;
  so.max_download_rate_total = cfg.max_download_rate_total;
  session s(so);
  if (auto st = s.listen(); !st) return (spdlog::error("{}", st.message()), 1);
  for (const auto& file : cfg.torrents) {
    auto m = load(file);
    if (!m) return 1;
    torrent_options to;
    to.root = cfg.output;
    to.keep_seeding = cfg.seed || cfg.seed_ratio > 0;
    to.seed_ratio = cfg.seed_ratio;
    to.max_peers = cfg.max_peers;
    to.upload_slots = cfg.upload_slots;
    to.upload_rate_limit = cfg.max_upload_rate;
    to.download_rate_limit = cfg.max_download_rate;
    to.timeout = std::chrono::seconds(cfg.timeout_s);
    to.hash_threads = cfg.hash_threads;
    to.progress_bar = on_terminal();  // the checks run one after the other: one bar at a time
    to.overwrite = cfg.overwrite;
    to.preallocate = !cfg.sparse;
    to.peers = peers;
    if (m->trackers.empty() && peers.empty()) spdlog::warn("{}: no trackers and no --peer: nobody to ask", file);
    if (auto st = s.add(std::move(*m), to); !st) {
      spdlog::error("{}: {}", file, st.message());
      return 1;
    }
  }
  return s.run();
}

}  // namespace shoal::session
