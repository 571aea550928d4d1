// torrent-info on a magnet link: what the link itself holds (the rest comes from peers). Boost.JSON stays here.
#include <sstream>

#include <boost/json.hpp>

#include "shoal/metainfo/magnet.hpp"
#include "shoal/ui/torrent_summary.hpp"
#include "shoal/util/utf8.hpp"

namespace shoal::ui {

std::string format_magnet_summary(const magnet_link& m) {
  std::ostringstream o;
  o << "magnet link (the files, sizes and pieces come from peers)\n";
  o << "name:          " << (m.name.empty() ? "(none given)" : printable(m.name)) << "\n";
  o << "info hash:     " << m.info_hash.hex() << "\n";
  o << "trackers:" << (m.trackers.empty() ? "      none" : "") << "\n";
  for (const auto& url : m.trackers) o << "  " << printable(url) << "\n";
  o << "peers:" << (m.peers.empty() && m.peer_hosts.empty() ? "         none" : "") << "\n";
  for (const auto& p : m.peers) o << "  " << p.to_string() << "\n";
  for (const auto& h : m.peer_hosts) o << "  " << printable(h) << "\n";
  return o.str();
}

std::string format_magnet_json(const magnet_link& m) {
  boost::json::object o;
  o["magnet"] = true;
  o["info_hash"] = m.info_hash.hex();
  o["name"] = boost::json::string(to_valid_utf8(m.name));
  boost::json::array trackers, peers;
  for (const auto& url : m.trackers) trackers.push_back(boost::json::string(to_valid_utf8(url)));
  for (const auto& p : m.peers) peers.push_back(boost::json::string(p.to_string()));
  for (const auto& h : m.peer_hosts) peers.push_back(boost::json::string(to_valid_utf8(h)));
  o["trackers"] = std::move(trackers);
  o["peers"] = std::move(peers);
  return boost::json::serialize(o);
}

}  // namespace shoal::ui
