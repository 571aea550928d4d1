#include "shoal/hash/piece_hasher.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "shoal/hash/sha1.hpp"
#include "chunk_channel.hpp"
#include "mapped_hashing.hpp"

namespace shoal {

namespace {

constexpr std::size_t chunk_slots = 4;  // per reader/hasher pair
constexpr std::size_t buffer_budget = std::size_t{24} << 20;  // all chunk buffers together
constexpr std::int64_t map_window = std::int64_t{4} << 20;      // per thread, mmap path

std::string describe(const std::filesystem::path& p, const char* what, int err) {
  return "'" + p.string() + "': " + what + ": " + std::strerror(err);
}

std::string size_changed(const std::filesystem::path& p, std::int64_t was, std::int64_t now) {
  return "'" + p.string() + "' changed size while hashing (was " + std::to_string(was) + " bytes, now " +
         std::to_string(now) + ")";
}

// State every worker shares. Workers claim pieces with one atomic increment and write their
// digest into their own 20 bytes of `pieces`, so they never wait on each other.
struct hash_job {
  hash_job(const std::vector<hash_input_file>& f, std::int64_t length) : files(f), piece_length(length) {
    ends.reserve(files.size());
    for (const auto& file : files) {
      total += file.length;
      ends.push_back(total);
    }
    piece_count = (total + piece_length - 1) / piece_length;
    pieces.assign(static_cast<std::size_t>(piece_count) * 20, '\0');
  }

  const std::vector<hash_input_file>& files;
  std::vector<std::int64_t> ends;  // ends[i]: stream offset one past file i
  std::int64_t total = 0;
  std::int64_t piece_length = 0;
  std::int64_t piece_count = 0;
  std::string pieces;

  std::atomic<std::int64_t> next_piece{0};
  std::atomic<std::int64_t> hashed{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::condition_variable finished_cv;
  int running = 0;
  std::string first_error;

  void fail(std::string message) {
    std::lock_guard lock(mutex);
    if (!failed.exchange(true)) first_error = std::move(message);
  }
};

// One worker's open file: consecutive pieces mostly hit the same file, so it stays open.
class cached_file {
 public:
  cached_file() = default;
  cached_file(const cached_file&) = delete;
  cached_file& operator=(const cached_file&) = delete;
  ~cached_file() { close(); }

  // Opens file `index` unless it is the one already open.
  status select(const hash_job& job, std::size_t index) {
    if (index == index_) return ok();
    if (auto s = open(job.files[index]); !s) return s;
    index_ = index;
    return ok();
  }
  int fd() const { return fd_; }

  // Reads exactly n bytes at `offset` of file `index`.
  status read(const hash_job& job, std::size_t index, std::int64_t offset, char* out, std::size_t n) {
    if (auto s = select(job, index); !s) return s;
    const auto& file = job.files[index];
    while (n > 0) {
      const ssize_t got = ::pread(fd_, out, n, offset);
      if (got < 0) {
        if (errno == EINTR) continue;
        return error{describe(file.path, "read failed", errno)};
      }
      if (got == 0) {
        struct stat st {};
        const std::int64_t now = ::fstat(fd_, &st) == 0 ? st.st_size : offset;
        return error{size_changed(file.path, file.length, now)};
      }
      out += got;
      offset += got;
      n -= static_cast<std::size_t>(got);
    }
    return ok();
  }

 private:
  status open(const hash_input_file& file) {
    close();
    fd_ = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return error{describe(file.path, "cannot open", errno)};
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return error{describe(file.path, "cannot stat", errno)};
    if (st.st_size != file.length) return error{size_changed(file.path, file.length, st.st_size)};
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    return ok();
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    index_ = SIZE_MAX;
  }

  int fd_ = -1;
  std::size_t index_ = SIZE_MAX;
};

// Reads stream bytes [pos, pos + n) into out, crossing file boundaries.
status read_stream(const hash_job& job, cached_file& file, std::int64_t pos, char* out, std::size_t n) {
  auto it = std::upper_bound(job.ends.begin(), job.ends.end(), pos);
  while (n > 0) {
    const auto index = static_cast<std::size_t>(it - job.ends.begin());
    const std::int64_t start = *it - job.files[index].length;
    const auto take = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(n), *it - pos));
    if (take > 0) {
      if (auto s = file.read(job, index, pos - start, out, take); !s) return s;
      out += take;
      pos += static_cast<std::int64_t>(take);
      n -= take;
    }
    ++it;
  }
  return ok();
}

// Claims whole pieces and reads them, chunk by chunk, into the channel of its hasher.
void read_pieces(hash_job& job, detail::chunk_channel& channel, std::size_t chunk_size) {
  cached_file file;
  while (!job.failed.load(std::memory_order_relaxed)) {
    const std::int64_t piece = job.next_piece.fetch_add(1, std::memory_order_relaxed);
    if (piece >= job.piece_count) break;
    std::int64_t pos = piece * job.piece_length;
    const std::int64_t end = std::min(pos + job.piece_length, job.total);
    while (pos < end) {
      char* buffer = channel.wait_free();
      if (!buffer) return;
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(end - pos, static_cast<std::int64_t>(chunk_size)));
      if (auto s = read_stream(job, file, pos, buffer, n); !s) return job.fail(s.message());
      pos += static_cast<std::int64_t>(n);
      channel.publish({piece, n, pos == end});
    }
  }
}

// Hashes what its reader sends and writes each digest into the piece's own 20 bytes.
void hash_chunks(hash_job& job, detail::chunk_channel& channel) {
  sha1_hasher hasher;
  detail::chunk_meta chunk;
  const char* data = nullptr;
  while (channel.wait_filled(chunk, data)) {
    if (job.failed.load(std::memory_order_relaxed)) return;
    hasher.update(data, chunk.size);
    channel.release();
    job.hashed.fetch_add(static_cast<std::int64_t>(chunk.size), std::memory_order_relaxed);
    if (chunk.last_of_piece) {
      const sha1_digest d = hasher.final();
      std::memcpy(job.pieces.data() + chunk.piece * 20, d.bytes.data(), d.bytes.size());
    }
  }
}

// Feeds mapped stream bytes [pos, pos + n) to the hasher, finishing each piece that ends in them.
bool hash_window(hash_job& job, sha1_hasher& hasher, const char* data, std::size_t n, std::int64_t pos) {
  while (n > 0) {
    const std::int64_t piece = pos / job.piece_length;
    const std::int64_t piece_end = std::min((piece + 1) * job.piece_length, job.total);
    const auto take = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(n), piece_end - pos));
    if (!detail::guarded_update(hasher, data, take)) return false;
    job.hashed.fetch_add(static_cast<std::int64_t>(take), std::memory_order_relaxed);
    data += take;
    pos += static_cast<std::int64_t>(take);
    n -= take;
    if (pos == piece_end) {
      const sha1_digest d = hasher.final();
      std::memcpy(job.pieces.data() + piece * 20, d.bytes.data(), d.bytes.size());
    }
  }
  return true;
}

// mmap path: claims runs of pieces covering about one window, maps each file's part of it
// (window by window) and hashes in place. A SIGBUS means the file shrank under the mapping.
void hash_mapped(hash_job& job, std::int64_t window) {
  const std::int64_t batch = std::max<std::int64_t>(1, window / job.piece_length);
  cached_file file;
  detail::mapped_window map;
  sha1_hasher hasher;
  while (!job.failed.load(std::memory_order_relaxed)) {
    const std::int64_t first = job.next_piece.fetch_add(batch, std::memory_order_relaxed);
    if (first >= job.piece_count) break;
    std::int64_t pos = first * job.piece_length;
    const std::int64_t end = std::min((first + batch) * job.piece_length, job.total);
    for (auto it = std::upper_bound(job.ends.begin(), job.ends.end(), pos); pos < end; ++it) {
      const auto index = static_cast<std::size_t>(it - job.ends.begin());
      const auto& input = job.files[index];
      const std::int64_t start = *it - input.length;
      const std::int64_t segment_end = std::min(*it, end);
      if (segment_end > pos)
        if (auto s = file.select(job, index); !s) return job.fail(s.message());
      while (pos < segment_end) {
        const auto n = static_cast<std::size_t>(std::min(window, segment_end - pos));
        if (!map.map(file.fd(), pos - start, n)) return job.fail(describe(input.path, "cannot map", errno));
        if (!hash_window(job, hasher, map.data(), n, pos)) {
          struct stat st {};
          const std::int64_t now = ::fstat(file.fd(), &st) == 0 ? st.st_size : pos - start;
          return job.fail(size_changed(input.path, input.length, now));
        }
        pos += static_cast<std::int64_t>(n);
      }
    }
    map.unmap();  // only one window of page-cache pages mapped per thread, and none while idle
  }
}

// Runs f, turning an exception into the job's error, and closes the channel either way so
// the other side of the pair never waits forever.
template <class F>
void guarded(hash_job& job, detail::chunk_channel& channel, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    job.fail(std::string("hashing failed: ") + e.what());
  }
  channel.close();
  std::lock_guard lock(job.mutex);
  if (--job.running == 0) job.finished_cv.notify_all();
}

// A file that grew or shrank after its last piece was read is caught here.
status check_sizes_unchanged(const std::vector<hash_input_file>& files) {
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.path.c_str(), &st) != 0) return error{describe(f.path, "cannot stat", errno)};
    if (st.st_size != f.length) return error{size_changed(f.path, f.length, st.st_size)};
  }
  return ok();
}

// Reports progress on the calling thread until every worker is done, then joins them.
void wait_for_workers(hash_job& job, const piece_hash_options& options, std::vector<std::thread>& workers) {
  {
    std::unique_lock lock(job.mutex);
    while (!job.finished_cv.wait_for(lock, options.progress_interval, [&] { return job.running == 0; })) {
      if (options.on_progress) {
        lock.unlock();
        options.on_progress(job.hashed.load(std::memory_order_relaxed));
        lock.lock();
      }
    }
  }
  for (auto& w : workers) w.join();
}

result<std::string> finish(hash_job& job, const std::vector<hash_input_file>& files, const piece_hash_options& options) {
  if (job.failed) return error{job.first_error};
  if (auto s = check_sizes_unchanged(files); !s) return error{s.message()};
  if (options.on_progress) options.on_progress(job.total);
  return std::move(job.pieces);
}

// One thread per hasher, each mapping and hashing its own pieces: no reader threads, no copy.
result<std::string> hash_mapped_job(hash_job& job, const std::vector<hash_input_file>& files,
                                    const piece_hash_options& options, int threads) {
  const std::int64_t window = std::min<std::int64_t>(map_window, static_cast<std::int64_t>(buffer_budget) / threads);
  const detail::sigbus_scope sigbus;  // installed only while mapped hashing runs
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  job.running = threads;
  auto run = [&job, window] {
    try {
      hash_mapped(job, window);
    } catch (const std::exception& e) {
      job.fail(std::string("hashing failed: ") + e.what());
    }
    std::lock_guard lock(job.mutex);
    if (--job.running == 0) job.finished_cv.notify_all();
  };
  try {
    for (int i = 0; i < threads; ++i) workers.emplace_back(run);
  } catch (const std::exception& e) {
    job.fail(std::string("cannot start hashing threads: ") + e.what());
    std::lock_guard lock(job.mutex);
    job.running -= threads - static_cast<int>(workers.size());
  }
  wait_for_workers(job, options, workers);
  return finish(job, files, options);
}

}  // namespace

result<std::string> hash_pieces(const std::vector<hash_input_file>& files, const piece_hash_options& options) {
  if (options.piece_length <= 0) return error{"piece length must be positive"};
  for (const auto& f : files)
    if (f.length < 0) return error{"'" + f.path.string() + "': negative length"};
  hash_job job(files, options.piece_length);
  const int threads =
      static_cast<int>(std::clamp<std::int64_t>(options.threads, 1, std::max<std::int64_t>(job.piece_count, 1)));
  // Buffers in total stay within buffer_budget (whatever the piece length), each at most read_size.
  const auto per_chunk = static_cast<std::int64_t>(buffer_budget / (chunk_slots * static_cast<std::size_t>(threads)));
  const auto wanted = std::min<std::int64_t>(static_cast<std::int64_t>(options.read_size), per_chunk);
  const auto chunk_size = static_cast<std::size_t>(std::min<std::int64_t>(job.piece_length, std::max<std::int64_t>(4096, wanted)));

  if (options.use_mmap) return hash_mapped_job(job, files, options, threads);

  // Each hashing thread has its own reader: reads (a copy from the page cache when warm)
  // overlap with hashing, and readers scale with hashers instead of one reader bounding all.
  std::vector<std::unique_ptr<detail::chunk_channel>> channels;
  std::vector<std::thread> workers;
  workers.reserve(2 * static_cast<std::size_t>(threads));
  job.running = 2 * threads;
  try {
    for (int i = 0; i < threads; ++i) {
      auto& channel = *channels.emplace_back(std::make_unique<detail::chunk_channel>(chunk_slots, chunk_size));
      workers.emplace_back([&job, &channel, chunk_size] {
        guarded(job, channel, [&] { read_pieces(job, channel, chunk_size); });
      });
      workers.emplace_back([&job, &channel] { guarded(job, channel, [&] { hash_chunks(job, channel); }); });
    }
  } catch (const std::exception& e) {  // no thread or no memory: stop those already running
    job.fail(std::string("cannot start hashing threads: ") + e.what());
    for (auto& c : channels) c->close();
    std::lock_guard lock(job.mutex);
    job.running -= 2 * threads - static_cast<int>(workers.size());
  }
  wait_for_workers(job, options, workers);
  return finish(job, files, options);
}

}  // namespace shoal
