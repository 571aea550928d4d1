#pragma once
// One torrent's state as a line of text: what the progress display shows and the plain periodic log lines.
// A snapshot struct in, text out: the session fills the struct, the display only formats and places it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::ui {

struct transfer_status {
  enum class phase { fetching_metadata, queued, checking, downloading, seeding, paused, complete, failed };
  std::string name;
  phase state = phase::downloading;
  std::int64_t done = 0;   // verified bytes (checking: bytes checked so far)
  std::int64_t total = 0;  // bytes of the torrent
  double download_rate = 0;  // bytes/s over the last few seconds (rate_window)
  double upload_rate = 0;
  std::uint64_t uploaded = 0;  // this run
  std::size_t peers = 0;
};

// "2.9 MiB/s": IEC units, like format_bytes.
std::string format_rate(double bytes_per_second);
// "ETA 0:42" from the current rate, or "stalled" when nothing arrives.
std::string format_eta(const transfer_status& s);

// At most `width` columns: the name is shortened first, then the least useful fields go (upload rate, percent,
// labels), so bytes done of total, the rate, peers and the ETA stay as long as they fit.
std::string format_status_line(const transfer_status& s, std::size_t width);
// For logs and pipes: every field, no width limit.
std::string format_status_plain(const transfer_status& s);

// Columns a UTF-8 string takes (one per code point), and its longest prefix within `width` columns
// (ending in "~" when shortened).
std::size_t display_width(std::string_view text);
std::string fit_width(std::string_view text, std::size_t width);

}  // namespace shoal::ui
