#include "shoal/storage/check.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <mutex>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/hash/sha1_pair.hpp"
#include "shoal/storage/file_set.hpp"
#include "shoal/storage/hash_job.hpp"

namespace shoal {

namespace {

// Per-thread read buffer: memory stays bounded whatever the piece length.
constexpr std::int64_t chunk_size = 256 * 1024;
constexpr std::size_t max_open_files = 512;
// Data per worker before another thread pays: starting one costs more than hashing a few small pieces (a daemon
// adding thousands of small torrents started 1.4 threads for each before).
constexpr std::int64_t bytes_per_worker = 8 << 20;

// Bytes of each file present on disk (0 when missing), without creating anything.
result<std::vector<std::int64_t>> present_sizes(file_set& files) {
  const metainfo& m = files.meta();
  std::vector<std::int64_t> present(m.files.size(), 0);
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    const auto& f = m.files[i];
    if (!on_disk(f)) {
      present[i] = f.length;  // pads read as zeros
      continue;
    }
    auto size = confined_size(files.root_fd(), f.components);
    if (!size) return size.err();
    present[i] = std::clamp<std::int64_t>(*size, 0, f.length);  // -1: not there
  }
  return present;
}

// The check's pieces on the service: each worker claims two pieces, reads them chunk by chunk from the files
// under the root (pread through its own two buffers) and hashes both at once (sha1_pair: about 1.7x a core's
// SHA-1 rate with the x86 SHA extensions), then compares each digest with the torrent's.
class checker {
 public:
  using per_piece = std::function<void(int done, int total)>;

  checker(file_set& files, std::vector<std::int64_t> present, check_control& control, per_piece progress)
      : files_(files),
        present_(std::move(present)),
        job_(files.meta().total_length, files.meta().piece_length, control),
        progress_(std::move(progress)),
        good_(static_cast<std::size_t>(files.meta().piece_count()), 0) {}

  result<bitfield> run(int threads) {
    const auto& m = files_.meta();
    const auto by_pieces = (static_cast<std::int64_t>(m.piece_count()) + 1) / 2;  // a worker hashes two at once
    const auto by_size = m.total_length / bytes_per_worker + 1;
    const auto n = static_cast<std::size_t>(std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, std::min(by_pieces, by_size))));
    const std::vector<std::function<void()>> workers(n, [this] { work(); });
    if (auto s = job_.run(workers); !s) return s.err();
    bitfield have(good_.size());
    for (std::size_t i = 0; i < good_.size(); ++i)
      if (good_[i]) have.set(i);
    return have;
  }

 private:
  void work() {
    const auto chunk = static_cast<std::size_t>(std::min(chunk_size, files_.meta().piece_length));
    std::array<std::vector<std::byte>, 2> bufs{std::vector<std::byte>(chunk), std::vector<std::byte>(chunk)};
    sha1_pair hashers;
    for (;;) {
      std::array<int, 2> pieces{-1, -1};
      for (auto& p : pieces)
        if (const auto claimed = job_.claim(); claimed >= 0) p = static_cast<int>(claimed);
      if (pieces[0] < 0) return;
      auto good = check_pieces(pieces, bufs, hashers);
      if (!good) return job_.fail(good.err());
      if (job_.stopped()) return;  // cancelled mid-way: what was not finished is not counted
      for (std::size_t k = 0; k < 2; ++k) {
        if (pieces[k] < 0) continue;
        good_[static_cast<std::size_t>(pieces[k])] = (*good)[k] ? 1 : 0;
        job_.add_done(job_.piece_size(pieces[k]));
        report();
      }
    }
  }

  bool on_disk_whole(int piece) const {
    bool whole = true;
    auto s = files_.for_each_slice(piece, 0, files_.meta().piece_size(piece),
                                   [&](int i, std::int64_t at, std::int64_t, std::int64_t n) -> status {
                                     if (at + n > present_[static_cast<std::size_t>(i)]) whole = false;
                                     return ok();
                                   });
    return s && whole;
  }

  // Pieces (-1: none) in lock step, chunk by chunk: both lanes hash at once while both read whole chunks of the
  // same size; a lane whose piece is not on disk whole, or whose file ended early (truncated since we looked),
  // drops out and is simply not there.
  result<std::array<bool, 2>> check_pieces(const std::array<int, 2>& pieces, std::array<std::vector<std::byte>, 2>& bufs,
                                           sha1_pair& hashers) {
    std::array<bool, 2> reading{}, done{};
    std::array<std::int64_t, 2> size{};
    for (std::size_t k = 0; k < 2; ++k) {
      reading[k] = pieces[k] >= 0 && on_disk_whole(pieces[k]);
      size[k] = pieces[k] >= 0 ? files_.meta().piece_size(pieces[k]) : 0;
    }
    const auto chunk = static_cast<std::int64_t>(bufs[0].size());
    for (std::int64_t at = 0; (reading[0] && at < size[0]) || (reading[1] && at < size[1]); at += chunk) {
      if (job_.stopped()) return std::array<bool, 2>{};
      std::array<std::size_t, 2> n{};
      for (std::size_t k = 0; k < 2; ++k) {
        if (!reading[k] || at >= size[k]) continue;
        n[k] = static_cast<std::size_t>(std::min(chunk, size[k] - at));
        bool short_file = false;
        if (auto st = files_.read(pieces[k], at, std::span(bufs[k]).first(n[k]), &short_file); !st) {
          if (!short_file) return st.err();
          reading[k] = false;
          n[k] = 0;
        }
      }
      if (n[0] != 0 && n[0] == n[1]) {
        hashers.update(bufs[0].data(), bufs[1].data(), n[0]);
      } else {
        for (std::size_t k = 0; k < 2; ++k)
          if (n[k] != 0) hashers.update(static_cast<int>(k), bufs[k].data(), n[k]);
      }
    }
    for (std::size_t k = 0; k < 2; ++k) {
      const sha1_digest digest = hashers.final(static_cast<int>(k));  // also starts the lane over
      done[k] = reading[k] && digest == files_.meta().piece_hash(pieces[k]);
    }
    return done;
  }

  void report() {
    if (!progress_) return;
    std::lock_guard lock(mu_);
    progress_(++done_, files_.meta().piece_count());
  }

  file_set& files_;
  std::vector<std::int64_t> present_;
  hash_job job_;
  per_piece progress_;
  std::vector<char> good_;  // one writer per element
  std::mutex mu_;
  int done_ = 0;
};

result<bitfield> run_check(const metainfo& m, const std::filesystem::path& root, int threads, check_control& control,
                           checker::per_piece progress) {
  if (auto s = file_set::check_layout(m); !s) return error{error_code::invalid_data, s.message()};
  int err = 0;
  auto root_fd = open_root(root.string(), open_intent::read, &err);
  if (!root_fd) {
    if (err == ENOENT) {
      if (control.cancelled) return error{error_code::cancelled, "check of " + root.string() + " cancelled"};
      control.bytes_done = m.total_length;  // nothing there: every piece is known missing at once
      return bitfield(static_cast<std::size_t>(m.piece_count()));
    }
    return root_fd.err();
  }
  file_set files(m, std::move(*root_fd), open_intent::read, max_open_files);
  auto present = present_sizes(files);
  if (!present) return present.err();
  auto have = checker(files, std::move(*present), control, std::move(progress)).run(threads);
  if (!have && have.code() == error_code::cancelled)
    return error{error_code::cancelled, "check of " + (root / m.name).string() + " cancelled"};
  return have;
}

}  // namespace

result<bitfield> check_existing(const metainfo& m, const std::filesystem::path& root, int threads,
                                check_control& control) {
  return run_check(m, root, threads, control, {});
}

result<bitfield> check_existing(const metainfo& m, const std::filesystem::path& root, int threads,
                                std::function<void(int done, int total)> progress) {
  check_control control;
  return run_check(m, root, threads, control, std::move(progress));
}

}  // namespace shoal
