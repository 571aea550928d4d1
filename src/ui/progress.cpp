#include "shoal/ui/progress.hpp"

#include "shoal/ui/status_area.hpp"
#include "shoal/ui/status_line.hpp"
#include "shoal/ui/torrent_summary.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shoal::ui {

namespace {

std::string percent(const progress_sample& s) {
  if (s.total <= 0) return "";
  char buf[16];
  const double p = 100.0 * static_cast<double>(std::clamp(s.done, std::int64_t{0}, s.total)) / static_cast<double>(s.total);
  std::snprintf(buf, sizeof buf, "%5.1f%%", p);
  return buf;
}

double rate(const progress_sample& s) { return s.seconds > 0 ? static_cast<double>(s.done) / s.seconds : 0.0; }

std::string eta(const progress_sample& s) {
  const double r = rate(s);
  if (s.total <= 0 || r <= 0) return "?";
  return format_duration(static_cast<double>(std::max<std::int64_t>(s.total - s.done, 0)) / r);
}

std::string with_suffix(std::string line, std::string_view suffix) {
  if (!suffix.empty()) {
    line += "  ";
    line += suffix;
  }
  return line;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 100 * 3600.0) return "?";
  const auto t = static_cast<long>(std::lround(seconds));
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

std::string format_progress_bar(std::string_view label, const progress_sample& s, int width) {
  std::string line(label);
  if (s.total > 0) {
    const double frac = static_cast<double>(std::clamp(s.done, std::int64_t{0}, s.total)) / static_cast<double>(s.total);
    const int filled = static_cast<int>(frac * width);
    line += " [";
    line.append(static_cast<std::size_t>(filled), '#');
    line.append(static_cast<std::size_t>(width - filled), ' ');
    line += "] " + percent(s);
  } else {
    line += " " + format_bytes(static_cast<double>(s.done));
  }
  line += "  " + format_bytes(rate(s)) + "/s";
  if (s.total > 0) line += "  ETA " + eta(s);
  return with_suffix(std::move(line), s.suffix);
}

std::string format_progress_bar_fit(std::string_view label, const progress_sample& s, std::size_t width) {
  // The bar shrinks first, then the label is shortened: the figures always show. A torrent's name may hold
  // escape sequences: never sent to the terminal as they are.
  const std::string safe = printable(std::string(label));
  label = safe;
  for (int bar : {30, 20, 10}) {
    std::string line = format_progress_bar(label, s, bar);
    if (display_width(line) <= width) return line;
  }
  const std::string rest = format_progress_bar("", s, 10);
  const std::size_t rest_cols = display_width(rest);
  if (rest_cols + 1 >= width) return fit_width(rest, width);
  return fit_width(label, width - rest_cols) + rest;
}

std::string format_progress_line(std::string_view label, const progress_sample& s) {
  std::string line(label);
  line += ":";
  if (s.total > 0) line += " " + percent(s) + " (" + format_bytes(static_cast<double>(s.done)) + " of " +
                           format_bytes(static_cast<double>(s.total)) + ")";
  else
    line += " " + format_bytes(static_cast<double>(s.done));
  line += ", " + format_bytes(rate(s)) + "/s";
  if (s.total > 0) line += ", ETA " + eta(s);
  return with_suffix(std::move(line), s.suffix);
}

progress_meter::progress_meter(std::FILE* out, std::string label, std::int64_t total, bool terminal,
                               std::chrono::milliseconds plain_interval)
    : out_(out),
      label_(std::move(label)),
      total_(total),
      terminal_(terminal),
      interval_(terminal ? std::chrono::milliseconds(100) : plain_interval),
      start_(clock::now()),
      last_print_(start_) {}

progress_meter progress_meter::for_stream(std::FILE* out, std::string label, std::int64_t total) {
  return progress_meter(out, std::move(label), total, ::isatty(::fileno(out)) == 1);
}

void progress_meter::update(std::int64_t done, std::string_view suffix) {
  // The complete state is finish()'s to print, once.
  if (clock::now() - last_print_ < interval_ || (total_ > 0 && done >= total_)) return;
  print(done, suffix, false);
}

void progress_meter::finish(std::int64_t done, std::string_view suffix) { print(done, suffix, true); }

void progress_meter::print(std::int64_t done, std::string_view suffix, bool final) {
  const auto now = clock::now();
  last_print_ = now;
  const progress_sample s{done, total_, std::chrono::duration<double>(now - start_).count(), suffix};
  if (terminal_) {
    // \r and clear-to-end-of-line: a shorter line leaves no remnants of the previous one.
    const std::size_t width = terminal_width(::fileno(out_));
    std::fprintf(out_, "\r%s\033[K%s", format_progress_bar_fit(label_, s, width > 1 ? width - 1 : 1).c_str(),
                 final ? "\n" : "");
  } else {
    std::fprintf(out_, "%s\n", format_progress_line(label_, s).c_str());
  }
  std::fflush(out_);
}

}  // namespace shoal::ui
