#include "shoal/daemon/watch_dir.hpp"

#include <fstream>

#include <spdlog/spdlog.h>

namespace fs = std::filesystem;

namespace shoal::daemon {

namespace {

constexpr std::uintmax_t max_torrent_size = 10u << 20;  // as torrent-add's body bound

// NAME.suffix, or NAME.suffix.N when that exists: a rename never replaces another file.
fs::path free_name(const fs::path& file, const std::string& suffix) {
  fs::path target = file;
  target += suffix;
  std::error_code ec;
  for (int n = 1; fs::exists(target, ec) && n < 1000; ++n) {
    target = file;
    target += suffix + "." + std::to_string(n);
  }
  return target;
}

}  // namespace

watch_dir::watch_dir(fs::path folder, std::chrono::milliseconds settle) : folder_(std::move(folder)), settle_(settle) {}

void watch_dir::finish(const fs::path& file, const status& outcome, watch_report& report) {
  const auto target = free_name(file, outcome ? ".added" : ".invalid");
  std::error_code ec;
  fs::rename(file, target, ec);
  if (outcome) {
    ++report.added;
    spdlog::info("watch folder: added {}", file.filename().string());
  } else {
    ++report.invalid;
    spdlog::warn("watch folder: {}: {}; renamed to {}", file.filename().string(), outcome.message(),
                 target.filename().string());
  }
  if (ec) spdlog::error("watch folder: cannot rename {} to {}: {}", file.string(), target.string(), ec.message());
}

watch_report watch_dir::scan(const add_fn& add) {
  watch_report report;
  std::error_code ec;
  fs::directory_iterator it(folder_, ec), end;
  if (ec) {
    if (!warned_missing_) spdlog::warn("watch folder {}: {}", folder_.string(), ec.message());
    warned_missing_ = true;
    return report;
  }
  warned_missing_ = false;
  std::map<fs::path, seen_file> now_seen;
  const auto now = fs::file_time_type::clock::now();
  for (; it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() != ".torrent" || !it->is_regular_file(ec)) continue;
    seen_file f{it->file_size(ec), it->last_write_time(ec)};
    if (ec) continue;  // gone meanwhile
    auto before = last_scan_.find(p);
    const bool stable = (before != last_scan_.end() && before->second == f) || now - f.mtime >= settle_;
    if (!stable) {
      now_seen.emplace(p, f);
      continue;
    }
    if (f.size > max_torrent_size) {
      finish(p, error{error_code::invalid_data, "larger than 10 MiB: not a .torrent"}, report);
      continue;
    }
    std::ifstream in(p, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(f.size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in || static_cast<std::uintmax_t>(in.gcount()) != f.size) {
      now_seen.emplace(p, seen_file{});  // changed under us: next scan
      continue;
    }
    finish(p, add(p, bytes), report);
  }
  last_scan_ = std::move(now_seen);
  return report;
}

}  // namespace shoal::daemon
