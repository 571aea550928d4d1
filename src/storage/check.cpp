#include "shoal/storage/check.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/storage/file_set.hpp"

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

class checker {
 public:
  checker(file_set& files, std::vector<std::int64_t> present, std::function<void(int, int)> progress)
      : files_(files),
        present_(std::move(present)),
        progress_(std::move(progress)),
        good_(static_cast<std::size_t>(files.meta().piece_count()), 0) {}

  void run_worker() noexcept {
    try {
      std::vector<std::byte> buf(static_cast<std::size_t>(std::min(chunk_size, files_.meta().piece_length)));
      sha1_hasher hasher;
      const int total = files_.meta().piece_count();
      for (int piece = next_++; piece < total && !failed_; piece = next_++) {
        auto good = check_piece(piece, buf, hasher);
        if (!good) return fail(good.err());
        good_[static_cast<std::size_t>(piece)] = *good ? 1 : 0;
        report();
      }
    } catch (const std::exception& e) {
      fail(error{std::string("check: ") + e.what()});
    }
  }

  result<bitfield> finish() {
    if (failed_) return first_error_;
    bitfield have(good_.size());
    for (std::size_t i = 0; i < good_.size(); ++i)
      if (good_[i]) have.set(i);
    return have;
  }

 private:
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
    const std::int64_t size = files_.meta().piece_size(piece);
    for (std::int64_t at = 0; at < size;) {
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(size - at, static_cast<std::int64_t>(buf.size())));
      bool short_file = false;
      if (auto s = files_.read(piece, at, std::span(buf.data(), n), &short_file); !s) {
        hasher.final();  // reset for the next piece
        if (short_file) return false;  // truncated since we looked: simply not there
        return s.err();
      }
      hasher.update(buf.data(), n);
      at += static_cast<std::int64_t>(n);
    }
    return hasher.final() == files_.meta().piece_hash(piece);
  }

  void report() {
    std::lock_guard lock(mu_);
    ++done_;
    if (progress_) progress_(done_, files_.meta().piece_count());
  }

  void fail(error e) {
    std::lock_guard lock(mu_);
    if (!failed_) first_error_ = std::move(e);
    failed_ = true;
  }

  file_set& files_;
  std::vector<std::int64_t> present_;
  std::function<void(int, int)> progress_;
  std::vector<char> good_;  // one writer per element
  std::atomic<int> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mu_;
  int done_ = 0;
  error first_error_;
};

}  // namespace

result<bitfield> check_existing(const metainfo& m, const std::filesystem::path& root, int threads,
                                std::function<void(int done, int total)> progress) {
  if (auto s = file_set::check_layout(m); !s) return s.err();
  const auto count = static_cast<std::size_t>(m.piece_count());
  int err = 0;
  auto root_fd = open_root(root.string(), open_intent::read, &err);
  if (!root_fd) {
    if (err == ENOENT) return bitfield(count);
    return root_fd.err();
  }
  file_set files(m, std::move(*root_fd), open_intent::read, max_open_files);
  auto present = present_sizes(files);
  if (!present) return present.err();

  checker c(files, std::move(*present), std::move(progress));
  const int n = std::clamp(threads, 1, std::max(1, m.piece_count()));
  std::vector<std::thread> pool;
  try {
    for (int i = 1; i < n; ++i) pool.emplace_back([&c] { c.run_worker(); });
  } catch (const std::exception&) {
    // Fewer threads than asked: the ones running (and this one) still cover every piece.
  }
  c.run_worker();
  for (auto& t : pool) t.join();
  return c.finish();
}

}  // namespace shoal
