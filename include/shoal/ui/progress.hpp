#pragma once
// Progress for long operations (hashing, downloads): a redrawn bar on a terminal, plain
// periodic lines otherwise (logs, pipes, CI). Percent, rate, ETA and a free-text suffix.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "shoal/util/byte_size.hpp"

namespace shoal::ui {

struct progress_sample {
  std::int64_t done = 0;
  std::int64_t total = 0;  // 0 when unknown: no percent, no ETA
  double seconds = 0;      // since start
  std::string_view suffix;
};

// "0:07", "12:34", "1:02:03"; "?" for an unknown or absurd ETA.
std::string format_duration(double seconds);
// The bar drawn on a terminal (width = characters of the [###   ] part).
std::string format_progress_bar(std::string_view label, const progress_sample& s, int width = 30);
// The bar within `width` columns: a shorter bar first, then a shortened label.
std::string format_progress_bar_fit(std::string_view label, const progress_sample& s, std::size_t width);
// One plain line for logs.
std::string format_progress_line(std::string_view label, const progress_sample& s);

class progress_meter {
 public:
  using clock = std::chrono::steady_clock;

  // terminal: redraw one line in place; otherwise print a line every plain_interval.
  progress_meter(std::FILE* out, std::string label, std::int64_t total, bool terminal,
                 std::chrono::milliseconds plain_interval = std::chrono::seconds(2));
  // Terminal if `out` is one.
  static progress_meter for_stream(std::FILE* out, std::string label, std::int64_t total);

  // Prints when enough time has passed since the last print (never the complete state).
  void update(std::int64_t done, std::string_view suffix = {});
  // Final state, always printed, ending the line.
  void finish(std::int64_t done, std::string_view suffix = {});

 private:
  void print(std::int64_t done, std::string_view suffix, bool final);

  std::FILE* out_;
  std::string label_;
  std::int64_t total_;
  bool terminal_;
  std::chrono::milliseconds interval_;
  clock::time_point start_;
  clock::time_point last_print_;
};

}  // namespace shoal::ui
