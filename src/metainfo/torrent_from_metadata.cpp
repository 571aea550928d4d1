#include "shoal/metainfo/torrent_from_metadata.hpp"

#include "shoal/bencode/encode.hpp"

namespace shoal {

std::string make_torrent_file(std::string_view info_bytes, const std::vector<std::string>& trackers) {
  std::string out = "d";
  if (!trackers.empty()) {  // keys in byte order: announce, announce-list, info
    bencode::append_string(out, "announce");
    bencode::append_string(out, trackers.front());
    bencode::append_string(out, "announce-list");
    out += 'l';
    for (const auto& url : trackers) {
      out += 'l';
      bencode::append_string(out, url);
      out += 'e';
    }
    out += 'e';
  }
  bencode::append_string(out, "info");
  out += info_bytes;
  out += 'e';
  return out;
}

result<metainfo> metainfo_from_metadata(std::string_view info_bytes, const std::vector<std::string>& trackers) {
  auto m = parse_metainfo(make_torrent_file(info_bytes, trackers));
  if (!m) return error{m.code(), "metadata: " + m.message()};
  return m;
}

}  // namespace shoal
