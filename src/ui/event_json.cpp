// --json lines. Boost.JSON stays in this file.
#include "shoal/ui/event_json.hpp"

#include <boost/json.hpp>

#include "shoal/util/utf8.hpp"

namespace shoal::ui {

namespace json = boost::json;
using session::session_event;

namespace {

json::string text(std::string_view s) { return json::string(to_valid_utf8(std::string(s))); }

void put_torrent(json::object& o, session::torrent_id id, const sha1_digest& hash, const std::string& name) {
  o["id"] = id;
  o["info_hash"] = hash.hex();
  o["name"] = text(name);
}

void put_status(json::object& o, const session::torrent_status& s) {
  put_torrent(o, s.id, s.info_hash, s.name);
  o["state"] = text(session::to_string(s.state));
  o["finished"] = s.finished;
  if (!s.error.empty()) o["error"] = text(s.error);
  o["progress"] = s.progress();
  o["total_bytes"] = s.total_bytes;
  o["verified_bytes"] = s.verified_bytes;
  o["checked_bytes"] = s.checked_bytes;
  o["piece_count"] = s.piece_count;
  o["pieces_have"] = s.pieces_have;
  o["download_rate"] = s.download_rate;
  o["upload_rate"] = s.upload_rate;
  if (s.eta_seconds) o["eta"] = *s.eta_seconds;
  else o["eta"] = nullptr;
  o["peers"] = s.peers;
  o["seeds"] = s.seeds;
  o["uploaded"] = s.uploaded;
  o["downloaded"] = s.downloaded;
  o["ratio"] = s.ratio;
  o["hash_failures"] = s.hash_failures;
  o["bans"] = s.bans;
}

}  // namespace

std::string format_event_json(const session_event& e) {
  json::object o;
  o["event"] = text(session::to_string(e.type));
  switch (e.type) {
    case session_event::kind::added:
      put_torrent(o, e.id, e.info_hash, e.name);
      o["state"] = text(session::to_string(e.to));
      break;
    case session_event::kind::state_changed:
      put_torrent(o, e.id, e.info_hash, e.name);
      o["from"] = text(session::to_string(e.from));
      o["to"] = text(session::to_string(e.to));
      if (!e.message.empty()) o["error"] = text(e.message);
      o["pieces_have"] = e.status.pieces_have;
      o["piece_count"] = e.status.piece_count;
      o["verified_bytes"] = e.status.verified_bytes;
      break;
    case session_event::kind::pieces_verified: {
      put_torrent(o, e.id, e.info_hash, e.name);
      json::array pieces;
      pieces.reserve(e.pieces.size());
      for (auto p : e.pieces) pieces.emplace_back(p);
      o["pieces"] = std::move(pieces);
      break;
    }
    case session_event::kind::error:
      put_torrent(o, e.id, e.info_hash, e.name);
      o["message"] = text(e.message);
      break;
    case session_event::kind::removed:
      put_torrent(o, e.id, e.info_hash, e.name);
      o["data_deleted"] = e.data_deleted;
      if (!e.message.empty()) o["error"] = text(e.message);
      break;
    case session_event::kind::completed:
    case session_event::kind::stats:
      put_status(o, e.status);
      break;
  }
  return json::serialize(o);
}

std::string format_status_json(const session::torrent_status& s) {
  json::object o;
  o["event"] = "status";
  put_status(o, s);
  return json::serialize(o);
}

std::string format_listening_json(std::uint16_t port) {
  json::object o;
  o["event"] = "listening";
  o["port"] = port;
  return json::serialize(o);
}

std::string format_exit_json(int code) {
  json::object o;
  o["event"] = "exit";
  o["code"] = code;
  return json::serialize(o);
}

}  // namespace shoal::ui
