#include "shoal/storage/check.hpp"

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/storage/file_set.hpp"
#include "shoal/storage/hash_job.hpp"

namespace shoal {

namespace {

// Per-thread read buffer: memory stays bounded whatever the piece length.
constexpr std::int64_t chunk_size = 256 * 1024;
constexpr std::size_t max_open_files = 512;

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

// The check's pieces on the service: each worker claims a piece, reads it from the files under the
// root (pread through its own buffer) and compares its SHA-1 with the torrent's.
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
    const auto n = static_cast<std::size_t>(std::clamp(threads, 1, std::max(1, files_.meta().piece_count())));
    const std::vector<std::function<void()>> workers(n, [this] { work(); });
    if (auto s = job_.run(workers); !s) return s.err();
    bitfield have(good_.size());
    for (std::size_t i = 0; i < good_.size(); ++i)
      if (good_[i]) have.set(i);
    return have;
  }

 private:
  void work() {
    std::vector<std::byte> buf(static_cast<std::size_t>(std::min(chunk_size, files_.meta().piece_length)));
    sha1_hasher hasher;
    for (std::int64_t claimed; (claimed = job_.claim()) >= 0;) {
      const int piece = static_cast<int>(claimed);
      auto good = check_piece(piece, buf, hasher);
      if (!good) return job_.fail(good.err());
      good_[static_cast<std::size_t>(piece)] = *good ? 1 : 0;
      job_.add_done(job_.piece_size(piece));
      report();
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

  result<bool> check_piece(int piece, std::vector<std::byte>& buf, sha1_hasher& hasher) {
    if (!on_disk_whole(piece)) return false;
    auto read = files_.hash_rest(piece, 0, hasher, buf);
    const sha1_digest digest = hasher.final();  // also resets the hasher after a short read
    if (!read) return read.err();
    return *read && digest == files_.meta().piece_hash(piece);  // truncated since we looked: simply not there
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
