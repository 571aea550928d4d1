#pragma once
// Where the progress display goes. On a terminal: one line per torrent at the bottom, redrawn in place, never
// wider than the terminal (its width re-read on each draw and on resized()), with log lines printed above it.
// Otherwise (logs, pipes, CI): the downloading torrents' plain lines every few seconds.
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "shoal/ui/status_line.hpp"

namespace shoal::ui {

// Columns of the terminal behind `fd` (ioctl TIOCGWINSZ); `fallback` when it is none or says 0.
std::size_t terminal_width(int fd, std::size_t fallback = 80);

class status_area {
 public:
  // terminal: routes the default logger through this area (so a log line never lands inside the drawn lines)
  // until destroyed.
  status_area(std::FILE* out, bool terminal, std::chrono::milliseconds plain_interval = std::chrono::seconds(2));
  ~status_area();
  status_area(const status_area&) = delete;
  status_area& operator=(const status_area&) = delete;

  bool terminal() const;
  // Draws the torrents' lines (terminal), or prints the downloading ones when plain_interval has passed.
  void show(const std::vector<transfer_status>& torrents);
  // The terminal was resized (SIGWINCH): the next draw erases what the old width left and fits the new one.
  void resized();
  // The last state stays on screen; nothing is drawn after this.
  void finish(const std::vector<transfer_status>& torrents);

  struct state;  // shared with the log sink

 private:
  std::shared_ptr<state> state_;
};

}  // namespace shoal::ui
