// BEP 10 in every connection and BEP 9 on top of it: our extended handshake, theirs merged, the metadata served
// from the info dictionary's bytes, and, for a magnet link, fetched from several peers and installed.
#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "shoal/addr/peer_address.hpp"
#include "shoal/metainfo/magnet.hpp"
#include "shoal/metainfo/torrent_from_metadata.hpp"
#include "shoal/net/spawn.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"
#include "shoal/tracker/client/announcer.hpp"
#include "shoal/tracker/client/bounded_resolve.hpp"
#include "shoal/util/atomic_write.hpp"
#include "shoal/wire/ext/extended_handshake.hpp"
#include "shoal/wire/ext/extended_message.hpp"
#include "shoal/wire/ext/metadata_assembler.hpp"
#include "shoal/wire/ext/ut_metadata.hpp"
#include "shoal/wire/handshake.hpp"

namespace shoal::session {

namespace asio = boost::asio;
using peer::peer_connection;
namespace ext = wire::ext;

namespace {
// The id peers send ut_metadata messages to us under (libtorrent's choice too).
constexpr std::uint8_t our_ut_metadata_id = 2;
// ... and ut_pex messages (libtorrent's too).
constexpr std::uint8_t our_ut_pex_id = 1;
// What our handshake says we queue (we close a peer beyond 4096 queued requests).
constexpr std::uint32_t our_request_queue = 500;
// A peer whose small messages pile up this high gets rejects instead of more metadata pieces.
constexpr std::size_t max_queued_for_metadata = 1 << 20;
}  // namespace

std::shared_ptr<torrent> torrent::create_magnet(torrent_id id, const magnet_link& link, torrent_options opt,
                                                std::shared_ptr<const session_link> session, bool paused) {
  metainfo m;
  m.info_hash = link.info_hash;
  m.name = link.name.empty() ? link.info_hash.hex() : link.name;
  for (const auto& url : link.trackers) m.trackers.push_back({url});  // a tier each, as libtorrent reads them
  for (const auto& p : link.peers)
    if (std::find(opt.peers.begin(), opt.peers.end(), p) == opt.peers.end()) opt.peers.push_back(p);
  auto t = std::make_shared<torrent>(made_here{}, id, std::move(m), std::move(opt), std::move(session), false);
  t->lifecycle_ = torrent_lifecycle(torrent_state::fetching_metadata);
  t->limits_.geometry_unknown = true;  // peers' bitfields and haves name pieces we cannot count yet
  t->metadata_ = std::make_unique<ext::metadata_assembler>(link.info_hash);
  t->transfer().metadata_progress = std::chrono::steady_clock::now();
  if (paused) t->lifecycle_.pause();
  else t->activate();
  t->resolve_peer_hosts(link.peer_hosts);
  return t;
}

void torrent::send_extended_handshake(peer_connection& c) {
  ext::extended_handshake h;
  h.extensions.emplace(std::string(ext::ut_metadata_name), our_ut_metadata_id);
  if (pex_allowed()) h.extensions.emplace(std::string(ext::ut_pex_name), our_ut_pex_id);  // BEP 27: not private
  h.client = std::string(wire::client_version);
  if (link_->listen_port != 0) h.listen_port = link_->listen_port;
  h.request_queue = our_request_queue;
  if (auto a = peer_address::parse(c.name()))  // BEP 10 yourip: the address we see it at
    h.your_ip = std::string(reinterpret_cast<const char*>(a->ip.data()), a->v6 ? 16 : 4);
  if (!meta_->info_bytes.empty()) h.metadata_size = static_cast<std::int64_t>(meta_->info_bytes.size());
  c.send_extended(ext::handshake_ext_id, ext::encode_extended_handshake(h));
}

void torrent::on_extended(peer_connection& c, const wire::message& m) {
  if (m.ext_id == ext::handshake_ext_id) {
    auto h = ext::decode_extended_handshake(m.payload);
    if (!h) {  // the codec refuses only garbage: odd fields are ignored inside it
      c.close("bad extended handshake: " + h.message());
      return;
    }
    if (c.ext) ext::merge_extended_handshake(*c.ext, *h);
    else c.ext = std::move(*h);
    if (c.ext->request_queue) c.pipeline.set_peer_queue(*c.ext->request_queue);
    spdlog::debug("{}: peer {} extensions: ut_metadata {}, metadata_size {}", meta_->name, c.name(),
                  c.ext->id_of(ext::ut_metadata_name), c.ext->metadata_size.value_or(0));
    if (metadata_ && c.ext->metadata_size && c.ext->id_of(ext::ut_metadata_name) != 0) {
      if (auto st = metadata_->add_peer(c.id(), *c.ext->metadata_size); !st)
        spdlog::info("{}: peer {}: not fetching metadata from it: {}", meta_->name, c.name(), st.message());
      request_metadata(c);
    }
    pex_start(c);
    return;
  }
  if (m.ext_id == our_ut_metadata_id) on_ut_metadata(c, m.payload);
  else if (m.ext_id == our_ut_pex_id) on_ut_pex(c, m.payload);
  // Anything else is an extension we never announced: ignored (BEP 10).
}

void torrent::on_ut_metadata(peer_connection& c, std::string_view payload) {
  const std::int64_t known = metadata_ ? metadata_->claimed_size(c.id()) : static_cast<std::int64_t>(meta_->info_bytes.size());
  auto msg = ext::decode_metadata_message(payload, known);
  if (!msg) {
    c.close("bad ut_metadata message: " + msg.message());
    return;
  }
  switch (msg->type) {
    case ext::metadata_msg_type::request: serve_metadata(c, msg->piece); break;
    case ext::metadata_msg_type::reject:
      if (metadata_) {
        spdlog::debug("{}: peer {} has no metadata to give", meta_->name, c.name());
        metadata_->on_reject(c.id(), msg->piece);
      }
      break;
    case ext::metadata_msg_type::data: {
      if (!metadata_) break;  // unasked (we have it): ignored
      const auto now = std::chrono::steady_clock::now();
      auto out = metadata_->on_data(c.id(), msg->piece, msg->data, now);
      using verdict = ext::metadata_assembler::verdict;
      if (out.what == verdict::stored || out.what == verdict::complete) transfer().metadata_progress = now;
      if (out.what == verdict::complete) {
        install_metadata();
        return;
      }
      if (out.what == verdict::hash_mismatch) {
        spdlog::warn("{}: metadata does not hash to the info-hash ({} failures){}", meta_->name, metadata_->failures(),
                     out.distrusted.empty() ? ": fetching it again from one peer at a time" : "");
        for (auto key : out.distrusted)
          for (auto& p : std::vector(peers_))
            if (p->id() == key) {
              if (auto it = transfer().candidates.find(p->name()); it != transfer().candidates.end())
                it->second.failures = 100;
              p->close("sent metadata that does not hash to the info-hash");
            }
        for (auto& p : std::vector(peers_)) request_metadata(*p);
        return;
      }
      request_metadata(c);
      break;
    }
    case ext::metadata_msg_type::unknown: break;  // BEP 9: ignored
  }
}

void torrent::serve_metadata(peer_connection& c, std::uint32_t piece) {
  const std::uint8_t theirs = c.ext ? c.ext->id_of(ext::ut_metadata_name) : 0;
  if (theirs == 0) return;  // it never told us where to send ut_metadata: nothing can answer it
  const auto size = static_cast<std::int64_t>(meta_->info_bytes.size());
  if (size == 0 || !ext::metadata_piece_count(size) || c.queued_bytes() > max_queued_for_metadata) {
    c.send_extended(theirs, ext::encode_metadata_reject(piece));
    return;
  }
  const auto begin = static_cast<std::size_t>(piece) * ext::metadata_piece_size;
  const auto length = static_cast<std::size_t>(ext::metadata_piece_length(size, piece));
  c.send_extended(theirs, ext::encode_metadata_data(piece, size, std::string_view(meta_->info_bytes).substr(begin, length)));
}

void torrent::request_metadata(peer_connection& c) {
  if (!metadata_ || c.closed() || !c.ext) return;
  const std::uint8_t theirs = c.ext->id_of(ext::ut_metadata_name);
  if (theirs == 0) return;
  const auto now = std::chrono::steady_clock::now();
  while (auto piece = metadata_->next_request(c.id(), now)) c.send_extended(theirs, ext::encode_metadata_request(*piece));
}

// Once a second while fetching: requests that timed out go to other peers; no progress for --timeout: give up.
void torrent::metadata_tick(std::chrono::steady_clock::time_point now) {
  if (!metadata_) return;
  for (auto& c : std::vector(peers_)) request_metadata(*c);
  if (now - transfer().metadata_progress > opt_->timeout)
    fail(peers_.empty() ? "no peer gave the metadata within --timeout " + std::to_string(opt_->timeout.count()) + " s"
                        : "no metadata from " + std::to_string(peers_.size()) + " peers for " +
                              std::to_string(opt_->timeout.count()) + " s");
}

// The info dictionary arrived and hashes to the info-hash: the torrent is an ordinary one from here. Connections
// made without the geometry close and are dialled again once the data is checked.
void torrent::install_metadata() {
  const std::string bytes = metadata_->metadata();
  std::vector<std::string> trackers;
  for (const auto& tier : meta_->trackers) trackers.insert(trackers.end(), tier.begin(), tier.end());
  auto m = metainfo_from_metadata(bytes, trackers);
  metadata_.reset();
  if (!m) {
    fail("the metadata hashes to the info-hash but is not a valid torrent: " + m.message());
    return;
  }
  spdlog::info("{}: metadata received ({} bytes): {} ({} bytes in {} pieces)", meta_->name, bytes.size(), m->name,
               m->total_length, m->piece_count());
  if (!opt_->save_torrent.empty()) save_learned_torrent(make_torrent_file(bytes, trackers));
  deactivate("metadata received: reconnecting with the torrent's pieces");
  meta_ = std::make_shared<const metainfo>(std::move(*m));
  if (meta_->is_private) turn_private();
  const int pieces = meta_->piece_count();
  have_ = bitfield(static_cast<std::size_t>(pieces));
  if (transfer_) {
    transfer_->failures = {};
    transfer_->retried = {};
  }
  limits_ = wire::make_wire_limits(static_cast<std::uint32_t>(pieces), static_cast<std::uint32_t>(meta_->piece_length),
                                   static_cast<std::uint32_t>(meta_->piece_size(pieces - 1)), 128 * 1024);
  const auto from = lifecycle_.state();
  lifecycle_.metadata_received();
  change_state(from);
}

// BEP 27: from here on no DHT (the session stops its lookups, and its node when no torrent needs it any more), no
// peer exchange, and only the peers its trackers gave or the user named are dialled again.
void torrent::turn_private() {
  std::size_t dropped = 0;
  if (transfer_) {
    transfer_->pex.clear();
    dropped = std::erase_if(transfer_->candidates,
                            [](const auto& kv) { return (kv.second.sources & (from_tracker | from_given)) == 0; });
  }
  spdlog::info("{}: a private torrent: no DHT, no peer exchange; {} peers found that way dropped", meta_->name,
               dropped);
  if (link_->became_private) link_->became_private(id_);
}

// x.pe with a host name (BEP 9 allows HOST:PORT): each is resolved on its own, bounded, in the background; the
// torrent goes on with its other sources meanwhile, and a name that does not resolve costs a warning.
void torrent::resolve_peer_hosts(const std::vector<std::string>& hosts) {
  for (const auto& host_port : hosts)
    asio::co_spawn(link_->executor, resolve_peer_host(weak_from_this(), link_->executor, host_port),
                   net::report_exception("x.pe lookup"));
}

asio::awaitable<void> torrent::resolve_peer_host(std::weak_ptr<torrent> weak, asio::any_io_executor ex,
                                                 std::string host_port) {
  constexpr auto resolve_timeout = std::chrono::seconds(15);
  const auto colon = host_port.rfind(':');  // parse_magnet checked it: HOST:PORT with a port 1..65535
  if (colon == std::string::npos) co_return;
  const auto port = static_cast<std::uint16_t>(std::stoul(host_port.substr(colon + 1)));
  auto found = co_await resolve_bounded(ex, host_port.substr(0, colon), std::chrono::steady_clock::now() + resolve_timeout);
  auto self = weak.lock();
  if (!self || self->stopping_) co_return;
  if (!found) {
    spdlog::warn("{}: x.pe {}: {}", self->meta_->name, host_port, found.message());
    co_return;
  }
  std::vector<peer_address> peers;
  for (const auto& ip : *found)
    if (auto a = peer_address::from_ip(ip.to_string(), port)) peers.push_back(*a);
  spdlog::debug("{}: x.pe {}: {} addresses", self->meta_->name, host_port, peers.size());
  self->add_candidates(peers, from_given);
}

// --save-torrent: written once, atomically; an existing file is left alone unless it holds the same torrent.
void torrent::save_learned_torrent(const std::string& torrent_file) {
  auto st = write_file_atomically(opt_->save_torrent, torrent_file, false);
  if (st) {
    spdlog::info("{}: saved the torrent to {}", meta_->name, opt_->save_torrent.string());
    return;
  }
  auto existing = load_metainfo(opt_->save_torrent);
  if (existing && existing->info_hash == meta_->info_hash) {
    spdlog::info("{}: {} already holds this torrent", meta_->name, opt_->save_torrent.string());
    return;
  }
  spdlog::error("{}: --save-torrent {}: not written: {}", meta_->name, opt_->save_torrent.string(), st.message());
}

}  // namespace shoal::session
