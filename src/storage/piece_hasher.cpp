#include "shoal/storage/piece_hasher.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "shoal/hash/sha1.hpp"
#include "shoal/hash/sha1_pair.hpp"
#include "mapped_hashing.hpp"

namespace shoal {

namespace {

constexpr std::size_t lanes_per_thread = 2;  // pread path: pieces hashed at once per thread (sha1_pair)
constexpr std::size_t buffer_budget = std::size_t{24} << 20;  // all read buffers / mapped windows together
constexpr std::int64_t lane_span = std::int64_t{2} << 20;    // pread path: bytes a lane reads per claim
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

// One of a worker's two lanes: a span of consecutive pieces, read through the lane's own
// descriptor so the kernel sees one sequential reader per lane (its readahead stays on).
struct lane {
  cached_file file;
  std::unique_ptr<char[]> buffer;
  std::int64_t piece = 0;  // next piece to finish
  std::int64_t end = 0;    // one past the span's last piece
  std::int64_t pos = 0;    // stream offset of the next byte to hash

  void start(const creation& c, std::int64_t first, std::int64_t last) {
    piece = first;
    end = last;
    pos = first * c.job.piece_length();
  }
  bool active() const { return piece < end; }
  std::int64_t left_in_piece(const creation& c) const {
    return piece * c.job.piece_length() + c.job.piece_size(piece) - pos;
  }
  status read(const creation& c, std::size_t n) { return read_stream(c, file, pos, buffer.get(), n); }
  // n bytes of the lane's piece hashed: store its digest when they were its last.
  void advance(creation& c, sha1_pair& hasher, int index, std::size_t n) {
    pos += static_cast<std::int64_t>(n);
    c.job.add_done(static_cast<std::int64_t>(n));
    if (left_in_piece(c) == 0) c.store(piece++, hasher.final(index));
  }
};

// pread path: claims runs of pieces, splits each run between two lanes and hashes both lanes'
// chunks at once (sha1_pair: one core hashes two messages faster than one). Each thread reads
// its own chunks into small reused buffers, so the data SHA-1 reads is still in the core's cache,
// and no data crosses cores.
void hash_read(creation& c, std::size_t chunk_size, std::int64_t run) {
  sha1_pair hasher;
  std::array<lane, lanes_per_thread> lanes;
  for (auto& l : lanes) l.buffer.reset(new char[chunk_size]);
  for (std::int64_t first; (first = c.job.claim(run)) >= 0;) {
    const std::int64_t last = std::min(first + run, c.job.piece_count());
    const std::int64_t middle = first + (last - first + 1) / 2;
    lanes[0].start(c, first, middle);
    lanes[1].start(c, middle, last);
    while (lanes[0].active() || lanes[1].active()) {
      if (c.job.stopped()) return;
      auto n = static_cast<std::int64_t>(chunk_size);
      for (const auto& l : lanes)
        if (l.active()) n = std::min(n, l.left_in_piece(c));
      const auto size = static_cast<std::size_t>(n);
      for (auto& l : lanes)
        if (l.active())
          if (auto s = l.read(c, size); !s) return c.fail(s.err());
      if (lanes[0].active() && lanes[1].active()) {
        hasher.update(lanes[0].buffer.get(), lanes[1].buffer.get(), size);
      } else {  // the end of a run with an odd piece count, or a short last piece
        const std::size_t only = lanes[0].active() ? 0 : 1;
        hasher.update(static_cast<int>(only), lanes[only].buffer.get(), size);
      }
      for (std::size_t i = 0; i < lanes.size(); ++i)
        if (lanes[i].active()) lanes[i].advance(c, hasher, static_cast<int>(i), size);
    }
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
  std::optional<detail::sigbus_scope> sigbus;
  if (options.use_mmap) {
    // One thread per hasher, each mapping and hashing its own pieces: no copy.
    const std::int64_t window = std::min<std::int64_t>(map_window, static_cast<std::int64_t>(buffer_budget) / threads);
    sigbus.emplace();  // installed only while mapped hashing runs
    for (int i = 0; i < threads; ++i) workers.emplace_back([&c, window] { hash_mapped(c, window); });
  } else {
    // Each thread reads and hashes its own chunks (no reader threads, no hand-off): buffers in total
    // stay within buffer_budget whatever the piece length, each at most read_size. A claim is a run
    // of about lane_span per lane, so each lane's descriptor reads sequentially for a while.
    const auto per_chunk = static_cast<std::int64_t>(buffer_budget / (lanes_per_thread * static_cast<std::size_t>(threads)));
    const auto wanted = std::min<std::int64_t>(static_cast<std::int64_t>(options.read_size), per_chunk);
    const auto chunk_size =
        static_cast<std::size_t>(std::min<std::int64_t>(c.job.piece_length(), std::max<std::int64_t>(4096, wanted)));
    const std::int64_t run = static_cast<std::int64_t>(lanes_per_thread) * std::max<std::int64_t>(1, lane_span / c.job.piece_length());
    for (int i = 0; i < threads; ++i) workers.emplace_back([&c, chunk_size, run] { hash_read(c, chunk_size, run); });
  }
  auto done = c.job.run(
      workers,
      [&] {
        if (options.on_progress) options.on_progress(control.bytes_done.load(std::memory_order_relaxed));
      },
      options.progress_interval);
  if (!done) return done.err();
  if (auto s = check_sizes_unchanged(files); !s) return s.err();
  if (options.on_progress) options.on_progress(c.job.total());
  return std::move(c.pieces);
}

}  // namespace shoal
