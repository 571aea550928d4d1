#include "shoal/storage/piece_hasher.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

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

// The files as one stream, and the digests: workers write each into the piece's own 20 bytes.
struct creation {
  creation(const std::vector<hash_input_file>& f, std::int64_t piece_length, check_control& control)
      : files(f), job(stream_length(f), piece_length, control) {
    ends.reserve(files.size());
    std::int64_t at = 0;
    for (const auto& file : files) ends.push_back(at += file.length);
    pieces.assign(static_cast<std::size_t>(job.piece_count()) * 20, '\0');
  }
  static std::int64_t stream_length(const std::vector<hash_input_file>& files) {
    std::int64_t total = 0;
    for (const auto& f : files) total += f.length;
    return total;
  }
  void store(std::int64_t piece, const sha1_digest& d) {
    std::memcpy(pieces.data() + piece * 20, d.bytes.data(), d.bytes.size());
  }
  void fail(std::string message) { job.fail(error{error_code::io, std::move(message)}); }
  void fail(error e) { job.fail(std::move(e)); }

  const std::vector<hash_input_file>& files;
  std::vector<std::int64_t> ends;  // ends[i]: stream offset one past file i
  hash_job job;
  std::string pieces;
};

// One worker's open file: consecutive pieces mostly hit the same file, so it stays open.
class cached_file {
 public:
  cached_file() = default;
  cached_file(const cached_file&) = delete;
  cached_file& operator=(const cached_file&) = delete;
  ~cached_file() { close(); }

  // Opens file `index` unless it is the one already open.
  status select(const creation& job, std::size_t index) {
    if (index == index_) return ok();
    if (auto s = open(job.files[index]); !s) return s;
    index_ = index;
    return ok();
  }
  int fd() const { return fd_; }

  // Reads exactly n bytes at `offset` of file `index`.
  status read(const creation& job, std::size_t index, std::int64_t offset, char* out, std::size_t n) {
    if (auto s = select(job, index); !s) return s;
    const auto& file = job.files[index];
    while (n > 0) {
      const ssize_t got = ::pread(fd_, out, n, offset);
      if (got < 0) {
        if (errno == EINTR) continue;
        return error{error_code::io, describe(file.path, "read failed", errno)};
      }
      if (got == 0) {
        struct stat st {};
        const std::int64_t now = ::fstat(fd_, &st) == 0 ? st.st_size : offset;
        return error{error_code::io, size_changed(file.path, file.length, now)};
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
    if (fd_ < 0)
      return error{errno == ENOENT ? error_code::not_found : error_code::io, describe(file.path, "cannot open", errno)};
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return error{error_code::io, describe(file.path, "cannot stat", errno)};
    if (st.st_size != file.length) return error{error_code::io, size_changed(file.path, file.length, st.st_size)};
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
status read_stream(const creation& job, cached_file& file, std::int64_t pos, char* out, std::size_t n) {
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
void read_pieces(creation& c, detail::chunk_channel& channel, std::size_t chunk_size) {
  cached_file file;
  for (std::int64_t piece; (piece = c.job.claim()) >= 0;) {
    std::int64_t pos = piece * c.job.piece_length();
    const std::int64_t end = pos + c.job.piece_size(piece);
    while (pos < end) {
      char* buffer = channel.wait_free();
      if (!buffer) return;
      const auto n = static_cast<std::size_t>(std::min<std::int64_t>(end - pos, static_cast<std::int64_t>(chunk_size)));
      if (auto s = read_stream(c, file, pos, buffer, n); !s) return c.fail(s.err());
      pos += static_cast<std::int64_t>(n);
      channel.publish({piece, n, pos == end});
    }
  }
}

// Hashes what its reader sends and writes each digest into the piece's own 20 bytes.
void hash_chunks(creation& c, detail::chunk_channel& channel) {
  sha1_hasher hasher;
  detail::chunk_meta chunk;
  const char* data = nullptr;
  while (channel.wait_filled(chunk, data)) {
    if (c.job.stopped()) return;
    hasher.update(data, chunk.size);
    channel.release();
    c.job.add_done(static_cast<std::int64_t>(chunk.size));
    if (chunk.last_of_piece) c.store(chunk.piece, hasher.final());
  }
}

// Feeds mapped stream bytes [pos, pos + n) to the hasher, finishing each piece that ends in them.
bool hash_window(creation& c, sha1_hasher& hasher, const char* data, std::size_t n, std::int64_t pos) {
  while (n > 0) {
    const std::int64_t piece = pos / c.job.piece_length();
    const std::int64_t piece_end = piece * c.job.piece_length() + c.job.piece_size(piece);
    const auto take = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(n), piece_end - pos));
    if (!detail::guarded_update(hasher, data, take)) return false;
    c.job.add_done(static_cast<std::int64_t>(take));
    data += take;
    pos += static_cast<std::int64_t>(take);
    n -= take;
    if (pos == piece_end) c.store(piece, hasher.final());
  }
  return true;
}

// mmap path: claims runs of pieces covering about one window, maps each file's part of it
// (window by window) and hashes in place. A SIGBUS means the file shrank under the mapping.
void hash_mapped(creation& c, std::int64_t window) {
  const std::int64_t batch = std::max<std::int64_t>(1, window / c.job.piece_length());
  cached_file file;
  detail::mapped_window map;
  sha1_hasher hasher;
  for (std::int64_t first; (first = c.job.claim(batch)) >= 0;) {
    std::int64_t pos = first * c.job.piece_length();
    const std::int64_t end = std::min((first + batch) * c.job.piece_length(), c.job.total());
    for (auto it = std::upper_bound(c.ends.begin(), c.ends.end(), pos); pos < end; ++it) {
      const auto index = static_cast<std::size_t>(it - c.ends.begin());
      const auto& input = c.files[index];
      const std::int64_t start = *it - input.length;
      const std::int64_t segment_end = std::min(*it, end);
      if (segment_end > pos)
        if (auto s = file.select(c, index); !s) return c.fail(s.err());
      while (pos < segment_end) {
        const auto n = static_cast<std::size_t>(std::min(window, segment_end - pos));
        if (!map.map(file.fd(), pos - start, n)) return c.fail(describe(input.path, "cannot map", errno));
        if (!hash_window(c, hasher, map.data(), n, pos)) {
          struct stat st {};
          const std::int64_t now = ::fstat(file.fd(), &st) == 0 ? st.st_size : pos - start;
          return c.fail(size_changed(input.path, input.length, now));
        }
        pos += static_cast<std::int64_t>(n);
      }
    }
    map.unmap();  // only one window of page-cache pages mapped per thread, and none while idle
  }
}

// A file that grew or shrank after its last piece was read is caught here.
status check_sizes_unchanged(const std::vector<hash_input_file>& files) {
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.path.c_str(), &st) != 0) return error{error_code::io, describe(f.path, "cannot stat", errno)};
    if (st.st_size != f.length) return error{error_code::io, size_changed(f.path, f.length, st.st_size)};
  }
  return ok();
}

}  // namespace

result<std::string> hash_pieces(const std::vector<hash_input_file>& files, const piece_hash_options& options) {
  if (options.piece_length <= 0) return error{error_code::invalid_data, "piece length must be positive"};
  for (const auto& f : files)
    if (f.length < 0) return error{error_code::invalid_data, "'" + f.path.string() + "': negative length"};
  check_control own_control;
  check_control& control = options.control ? *options.control : own_control;
  creation c(files, options.piece_length, control);
  const int threads =
      static_cast<int>(std::clamp<std::int64_t>(options.threads, 1, std::max<std::int64_t>(c.job.piece_count(), 1)));
  std::vector<std::function<void()>> workers;
  std::vector<std::unique_ptr<detail::chunk_channel>> channels;
  std::optional<detail::sigbus_scope> sigbus;
  if (options.use_mmap) {
    // One thread per hasher, each mapping and hashing its own pieces: no reader threads, no copy.
    const std::int64_t window = std::min<std::int64_t>(map_window, static_cast<std::int64_t>(buffer_budget) / threads);
    sigbus.emplace();  // installed only while mapped hashing runs
    for (int i = 0; i < threads; ++i) workers.emplace_back([&c, window] { hash_mapped(c, window); });
  } else {
    // Each hashing thread has its own reader: reads (a copy from the page cache when warm) overlap
    // with hashing, and readers scale with hashers instead of one reader bounding all. Buffers in
    // total stay within buffer_budget (whatever the piece length), each at most read_size.
    const auto per_chunk = static_cast<std::int64_t>(buffer_budget / (chunk_slots * static_cast<std::size_t>(threads)));
    const auto wanted = std::min<std::int64_t>(static_cast<std::int64_t>(options.read_size), per_chunk);
    const auto chunk_size =
        static_cast<std::size_t>(std::min<std::int64_t>(c.job.piece_length(), std::max<std::int64_t>(4096, wanted)));
    for (int i = 0; i < threads; ++i) {
      auto& channel = *channels.emplace_back(std::make_unique<detail::chunk_channel>(chunk_slots, chunk_size));
      // Each side closes the channel when it ends, so the other never waits forever.
      workers.emplace_back([&c, &channel, chunk_size] {
        read_pieces(c, channel, chunk_size);
        channel.close();
      });
      workers.emplace_back([&c, &channel] {
        hash_chunks(c, channel);
        channel.close();
      });
    }
  }
  auto done = c.job.run(
      workers,
      [&] {
        if (c.job.stopped())  // a side that never started cannot close its channel
          for (auto& ch : channels) ch->close();
        if (options.on_progress) options.on_progress(control.bytes_done.load(std::memory_order_relaxed));
      },
      options.progress_interval);
  if (!done) return done.err();
  if (auto s = check_sizes_unchanged(files); !s) return s.err();
  if (options.on_progress) options.on_progress(c.job.total());
  return std::move(c.pieces);
}

}  // namespace shoal
