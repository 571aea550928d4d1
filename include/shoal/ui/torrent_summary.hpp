#pragma once
// What torrent-info prints: a human summary or one JSON object (see docs/metainfo.md).
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace shoal {
struct metainfo;
struct magnet_link;
}

namespace shoal::ui {

// "1.5 MiB" style, binary units.
std::string human_size(std::int64_t bytes);
// Terminal-safe: valid UTF-8 and no control characters (a name or comment could carry escapes).
std::string printable(const std::string& s);

// Pad files (BEP 47) fill pieces but are never written: torrent-info counts them apart.
struct pad_totals {
  std::int64_t files = 0;
  std::int64_t bytes = 0;
};
pad_totals count_pads(const metainfo& m);

// Multi-line text: name, info-hash, sizes, pieces, flags, trackers, web seeds, files
// (pad files counted, not listed). The total size is the real files' (pad bytes apart).
std::string format_torrent_summary(const metainfo& m);

// One JSON object (no trailing newline). Every string is valid UTF-8 (invalid bytes become
// U+FFFD). "files" lists the real files only and "length" is their sum; pad files are counted
// in "pad_files" and "pad_bytes" (length + pad_bytes = the bytes the pieces cover).
std::string format_torrent_json(const metainfo& m);

// A magnet link: name, info-hash, trackers, peers (text, or one JSON object with "magnet": true).
std::string format_magnet_summary(const magnet_link& m);
std::string format_magnet_json(const magnet_link& m);

// The whole of torrent-info: loads FILE (or reads a magnet link), prints to out; on failure prints exactly one line
// "torrent-info: <error>" to err and returns 2.
int run_torrent_info(const std::filesystem::path& file, bool json, std::ostream& out, std::ostream& err);

}  // namespace shoal::ui
