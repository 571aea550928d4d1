#include "shoal/ui/status_area.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace shoal::ui {

std::size_t terminal_width(int fd, std::size_t fallback) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return fallback;
  return ws.ws_col;
}

struct status_area::state {
  std::mutex mutex;
  std::FILE* out = nullptr;
  bool terminal = false;
  bool finished = false;
  std::chrono::milliseconds plain_interval{};
  std::chrono::steady_clock::time_point last_plain{};
  std::vector<std::string> lines;  // what is on screen (terminal)
  std::size_t drawn_rows = 0;      // rows they take, the cursor being at the end of the last one

  // Back to the start of the first drawn row, clearing everything below: a line the terminal rewrapped after a
  // shrink takes several rows now, so they are counted at the current width.
  void erase() {
    if (drawn_rows == 0) return;
    std::string seq = "\r";
    for (std::size_t i = 1; i < drawn_rows; ++i) seq += "\033[A";
    seq += "\033[J";
    std::fputs(seq.c_str(), out);
    drawn_rows = 0;
  }

  void count_rows(std::size_t width) {
    drawn_rows = 0;
    for (const auto& l : lines) drawn_rows += std::max<std::size_t>(1, (display_width(l) + width - 1) / width);
  }

  void draw() {
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) text += "\n";
      text += lines[i];
    }
    std::fputs(text.c_str(), out);
    count_rows(terminal_width(::fileno(out)));
    std::fflush(out);
  }

  // Lines for the current width, one column spare so the cursor never sits past the edge.
  std::vector<std::string> format(const std::vector<transfer_status>& torrents) const {
    const std::size_t width = terminal_width(::fileno(out));
    std::vector<std::string> out_lines;
    for (const auto& t : torrents) out_lines.push_back(format_status_line(t, width > 1 ? width - 1 : 1));
    return out_lines;
  }
};

namespace {

// Wraps the logger's own sinks: the drawn lines go away while a log line is printed, then come back below it.
class area_sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  area_sink(std::shared_ptr<status_area::state> area, std::vector<spdlog::sink_ptr> inner)
      : area_(std::move(area)), inner_(std::move(inner)) {}
  const std::vector<spdlog::sink_ptr>& inner() const { return inner_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard lock(area_->mutex);
    area_->erase();
    std::fflush(area_->out);
    for (auto& s : inner_)
      if (s->should_log(msg.level)) {
        s->log(msg);
        s->flush();
      }
    if (!area_->finished) area_->draw();
  }
  void flush_() override {
    for (auto& s : inner_) s->flush();
  }

 private:
  std::shared_ptr<status_area::state> area_;
  std::vector<spdlog::sink_ptr> inner_;
};

}  // namespace

status_area::status_area(std::FILE* out, bool terminal, std::chrono::milliseconds plain_interval)
    : state_(std::make_shared<state>()) {
  state_->out = out;
  state_->terminal = terminal;
  state_->plain_interval = plain_interval;
  state_->last_plain = std::chrono::steady_clock::now();
  if (!terminal) return;
  auto logger = spdlog::default_logger();
  if (!logger) return;
  auto sink = std::make_shared<area_sink>(state_, logger->sinks());
  sink->set_level(spdlog::level::trace);
  logger->sinks() = {sink};
}

status_area::~status_area() {
  if (state_->terminal) {
    if (auto logger = spdlog::default_logger(); logger && logger->sinks().size() == 1)
      if (auto sink = std::dynamic_pointer_cast<area_sink>(logger->sinks().front())) logger->sinks() = sink->inner();
  }
  std::lock_guard lock(state_->mutex);
  if (state_->terminal && !state_->finished && state_->drawn_rows > 0) std::fputs("\n", state_->out);
  std::fflush(state_->out);
}

bool status_area::terminal() const { return state_->terminal; }

void status_area::show(const std::vector<transfer_status>& torrents) {
  std::lock_guard lock(state_->mutex);
  if (state_->finished) return;
  if (!state_->terminal) {
    const auto now = std::chrono::steady_clock::now();
    if (now - state_->last_plain < state_->plain_interval) return;
    state_->last_plain = now;
    for (const auto& t : torrents)
      if (t.state == transfer_status::phase::downloading)
        std::fprintf(state_->out, "%s\n", format_status_plain(t).c_str());
    std::fflush(state_->out);
    return;
  }
  state_->erase();
  state_->lines = state_->format(torrents);
  state_->draw();
}

void status_area::resized() {
  std::lock_guard lock(state_->mutex);
  if (state_->terminal && state_->drawn_rows > 0) state_->count_rows(terminal_width(::fileno(state_->out)));
}

void status_area::finish(const std::vector<transfer_status>& torrents) {
  std::lock_guard lock(state_->mutex);
  if (state_->finished) return;
  if (state_->terminal) {
    state_->erase();
    state_->lines = state_->format(torrents);
    state_->draw();
    std::fputs("\n", state_->out);
  }
  state_->finished = true;
  state_->drawn_rows = 0;
  std::fflush(state_->out);
}

}  // namespace shoal::ui
