#include "shoal/session/progress_display.hpp"

#include <cstdio>

#include <spdlog/spdlog.h>

namespace shoal::session {

namespace {

std::string human_rate(double bytes_per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB/s", bytes_per_s / 1e6);
  return buf;
}

std::string eta(const progress_info& p) {
  if (p.rate <= 0) return "--:--";
  const auto s = static_cast<long long>(static_cast<double>(p.total_bytes - p.done_bytes) / p.rate);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

double percent(const progress_info& p) {
  return p.total_bytes > 0 ? 100.0 * static_cast<double>(p.done_bytes) / static_cast<double>(p.total_bytes) : 100.0;
}

}  // namespace

void print_bar(const progress_info& p) {
  constexpr int width = 30;
  const int filled = static_cast<int>(percent(p) * width / 100.0);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r%s [%s] %5.1f%%  %s  peers %zu  ETA %s   ", p.name.c_str(), bar.c_str(), percent(p),
               human_rate(p.rate).c_str(), p.peers, eta(p).c_str());
  std::fflush(stderr);
}

void print_line(const progress_info& p) {
  spdlog::info("{}: {:.1f}% {} peers {} ETA {}", p.name, percent(p), human_rate(p.rate), p.peers, eta(p));
}

void print_summary(const progress_info& p, bool after_bar) {
  if (after_bar) std::fputs("\n", stderr);
  const double rate = p.elapsed > 0 ? static_cast<double>(p.downloaded_bytes) / p.elapsed : 0;
  spdlog::info("{}: complete: {} bytes verified; downloaded {} pieces ({} bytes) in {:.2f} s ({}) from {} peers; "
               "{} pieces were already verified",
               p.name, p.total_bytes, p.downloaded_pieces, p.downloaded_bytes, p.elapsed, human_rate(rate),
               p.peers_seen, p.resumed_pieces);
}

check_progress::check_progress(std::string label, int total, bool bar)
    : label_(std::move(label)), total_(total), bar_(bar), last_line_(std::chrono::steady_clock::now()) {}

void check_progress::update(int done, int total) {
  std::lock_guard lock(mutex_);
  total_ = total;
  const int pct = total > 0 ? static_cast<int>(100LL * done / total) : 100;
  if (pct == last_percent_) return;
  last_percent_ = pct;
  if (bar_) {
    std::fprintf(stderr, "\r%s: %3d%% (%d/%d pieces)", label_.c_str(), pct, done, total);
    std::fflush(stderr);
  } else if (std::chrono::steady_clock::now() - last_line_ > std::chrono::seconds(5)) {
    last_line_ = std::chrono::steady_clock::now();
    spdlog::info("{}: {}% ({}/{} pieces)", label_, pct, done, total);
  }
}

void check_progress::finish() {
  std::lock_guard lock(mutex_);
  if (bar_ && last_percent_ >= 0) std::fputs("\n", stderr);
}

}  // namespace shoal::session
