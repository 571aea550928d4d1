#pragma once
// A magnet link's torrent once its info dictionary arrived (BEP 9): the .torrent bytes (the info dictionary as
// received, with the magnet's trackers beside it) and the metainfo parsed from them. Pure: bytes in, struct out.
#include <string>
#include <string_view>
#include <vector>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// announce (the first tracker), announce-list (one tier per tracker, as libtorrent writes a magnet's
// trackers), info (the bytes unchanged: their SHA-1 stays the info-hash).
std::string make_torrent_file(std::string_view info_bytes, const std::vector<std::string>& trackers);

// Parses make_torrent_file's bytes; an error when the info dictionary is not a valid torrent's.
result<metainfo> metainfo_from_metadata(std::string_view info_bytes, const std::vector<std::string>& trackers);

}  // namespace shoal
