#include "shoal/ui/status_line.hpp"

#include <algorithm>
#include <vector>

#include "shoal/ui/progress.hpp"
#include "shoal/ui/torrent_summary.hpp"

namespace shoal::ui {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string percent(const transfer_status& s) {
  if (s.total <= 0) return "";
  const auto p = static_cast<int>(100.0 * static_cast<double>(std::clamp(s.done, std::int64_t{0}, s.total)) /
                                  static_cast<double>(s.total));
  return std::to_string(p) + "%";
}

std::string of_total(const transfer_status& s) {
  return format_bytes(static_cast<double>(s.done)) + " of " + format_bytes(static_cast<double>(s.total));
}

std::string peers(const transfer_status& s) { return std::to_string(s.peers) + (s.peers == 1 ? " peer" : " peers"); }

// The fields of a line from the richest layout to the most compact; the first that fits wins.
std::vector<std::vector<std::string>> layouts(const transfer_status& s) {
  switch (s.state) {
    case transfer_status::phase::downloading:
      return {{of_total(s) + " (" + percent(s) + ")", "DL " + format_rate(s.download_rate),
               "UL " + format_rate(s.upload_rate), peers(s), format_eta(s)},
              {of_total(s) + " (" + percent(s) + ")", "DL " + format_rate(s.download_rate), peers(s), format_eta(s)},
              {of_total(s), format_rate(s.download_rate), peers(s), format_eta(s)}};
    case transfer_status::phase::seeding:
      return {{"seeding", "UL " + format_rate(s.upload_rate), peers(s),
               "uploaded " + format_bytes(static_cast<double>(s.uploaded))},
              {"seeding", "UL " + format_rate(s.upload_rate), peers(s)},
              {"seeding", format_rate(s.upload_rate), peers(s)}};
    case transfer_status::phase::fetching_metadata:  // a magnet link: the size is not known yet
      return {{"fetching metadata", peers(s)}, {"metadata", peers(s)}, {"metadata"}};
    case transfer_status::phase::queued:
      return {{"queued for check", format_bytes(static_cast<double>(s.total))}, {"queued"}};
    case transfer_status::phase::checking:
      return {{"checking " + percent(s), of_total(s)}, {"checking " + percent(s)}};
    case transfer_status::phase::paused:
      return {{"paused", of_total(s) + " (" + percent(s) + ")"}, {"paused", percent(s)}, {"paused"}};
    case transfer_status::phase::complete:
      return {{"complete", format_bytes(static_cast<double>(s.total))}, {"complete"}};
    case transfer_status::phase::failed:
      return {{"failed", of_total(s)}, {"failed"}};
  }
  return {{}};
}

std::string join(const std::vector<std::string>& fields, std::string_view sep) {
  std::string out;
  for (const auto& f : fields) {
    if (!out.empty()) out += sep;
    out += f;
  }
  return out;
}

}  // namespace

std::string format_rate(double bytes_per_second) { return format_bytes(bytes_per_second) + "/s"; }

std::string format_eta(const transfer_status& s) {
  if (s.download_rate <= 0) return "stalled";
  const double left = static_cast<double>(std::max<std::int64_t>(s.total - s.done, 0));
  return "ETA " + format_duration(left / s.download_rate);
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !continuation(c); }));
}

std::string fit_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::size_t cols = 0, end = 0;
  while (end < text.size()) {
    std::size_t next = end + 1;
    while (next < text.size() && continuation(text[next])) ++next;
    if (cols + 1 > width - 1) break;  // room for the "~"
    ++cols;
    end = next;
  }
  return std::string(text.substr(0, end)) + "~";
}

std::string format_status_line(const transfer_status& s, std::size_t width) {
  const std::string name = printable(s.name);
  const std::size_t name_wanted = std::min<std::size_t>(display_width(name), 16);
  const auto all = layouts(s);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const bool last = i + 1 == all.size();
    const std::string_view sep = last ? " " : "  ";
    const std::string rest = join(all[i], sep);
    const std::size_t rest_cols = display_width(rest) + sep.size();
    if (!last && rest_cols + name_wanted > width) continue;
    if (rest_cols + 1 >= width) return fit_width(rest, width);  // not even a name fits
    return fit_width(name, width - rest_cols) + std::string(sep) + rest;
  }
  return fit_width(name, width);
}

std::string format_status_plain(const transfer_status& s) { return printable(s.name) + ": " + join(layouts(s)[0], ", "); }

}  // namespace shoal::ui
