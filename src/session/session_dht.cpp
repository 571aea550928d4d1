// The session's DHT node: created with the first torrent that is not private, shared by every torrent, stopped
// when the last such torrent leaves or turns private (a process whose torrents are all private runs none, BEP 27)
// and with the session. A stopped node's id and contacts are kept: the next node starts from them.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shoal/session/session.hpp"

namespace shoal::session {

void session::dht_track(const std::shared_ptr<torrent>& t, bool is_private) {
  if (!opt_.dht || is_private || stopped_) return;
  if (!dht_) {
    dht::node_options o;
    o.bind_host = opt_.host.find(':') == std::string::npos ? opt_.host : "0.0.0.0";  // the node speaks IPv4
    o.port = opt_.dht_port.value_or(port_);
    o.bootstrap = opt_.dht_bootstrap.empty() ? dht::default_bootstrap_nodes : opt_.dht_bootstrap;
    o.restore = dht_saved_;
    // The node stops (and calls nothing more) before the session ends: `this` outlives every call.
    o.found = [this](const sha1_digest& info_hash, const std::vector<peer_address>& peers) {
      if (auto id = find(info_hash))
        if (auto t = get(*id)) t->add_dht_peers(peers);
    };
    auto node = std::make_unique<dht::node>(executor_, std::move(o));
    if (auto st = node->start(); !st) {
      // Torrents still work through trackers and peers: the DHT is one source among several.
      spdlog::warn("{}; going on without the DHT", st.message());
      opt_.dht = false;
      return;
    }
    dht_ = std::move(node);
  }
  dht_->track(t->info_hash(), port_);
}

void session::dht_untrack(const sha1_digest& info_hash) {
  if (dht_) dht_->untrack(info_hash);
}

void session::dht_release() {
  if (!dht_) return;
  if (std::any_of(torrents_.begin(), torrents_.end(), [](const auto& kv) { return !kv.second->is_private(); }))
    return;
  dht_stop();
  spdlog::info("dht: no torrent left that may use it: node stopped");
}

void session::dht_stop() {
  if (!dht_) return;
  dht_saved_ = dht_->state();
  dht_->stop();
  dht_.reset();
}

void session::dht_became_private(torrent_id id) {
  auto t = get(id);
  if (!t) return;
  dht_untrack(t->info_hash());
  dht_release();
}

std::optional<dht::node_state> session::dht_state() const { return dht_ ? dht_->state() : dht_saved_; }

}  // namespace shoal::session
