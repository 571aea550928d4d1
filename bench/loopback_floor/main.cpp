// loopback_floor: the least work a seed -> leech transfer of one file needs on this machine, as a yardstick for
// bench/transfer.sh. No protocol, no engine: the sender preads 128 KiB at a time and sends it; the receiver
// receives into 1 MiB pieces, writes each 16 KiB to its offset in a preallocated file as soon as it is whole (as
// our leech writes blocks), and a second thread hashes the pieces two at a time (sha1_pair, as our leech's pool).
// What our pair takes beyond this is ours to win; what this takes is the machine's (docs/performance.md, issue 10).
//   loopback_floor send FILE PORT          listens on 127.0.0.1:PORT, sends FILE to the first connection
//   loopback_floor receive OUT SIZE PORT   connects, writes SIZE bytes to OUT, prints the seconds taken
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shoal/hash/sha1_pair.hpp"

namespace {

constexpr std::size_t send_chunk = 128 * 1024;
constexpr std::size_t piece_length = 1 << 20;
constexpr std::size_t block_length = 16 * 1024;
constexpr int slot_count = 4;  // one arriving, one waiting for its partner, a pair being hashed

[[noreturn]] void fail(const std::string& what) {
  std::perror(what.c_str());
  std::exit(1);
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int send_file(const char* path, int port) {
  const int fd = ::open(path, O_RDONLY);
  if (fd < 0) fail(std::string("open ") + path);
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const auto addr = loopback(port);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 1) != 0)
    fail("listen on port " + std::to_string(port));
  const int s = ::accept(listener, nullptr, nullptr);
  if (s < 0) fail("accept");
  std::vector<char> buf(send_chunk);
  for (off_t at = 0;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), at);
    if (n < 0) fail("pread");
    if (n == 0) break;
    for (ssize_t sent = 0; sent < n;) {
      const ssize_t w = ::send(s, buf.data() + sent, static_cast<std::size_t>(n - sent), 0);
      if (w <= 0) fail("send");
      sent += w;
    }
    at += n;
  }
  ::shutdown(s, SHUT_WR);
  char c;
  while (::read(s, &c, 1) > 0) {
  }
  return 0;
}

// Full pieces handed from the receiving thread to the hashing thread, and free slots handed back.
struct piece_queue {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::pair<int, std::size_t>> full;  // slot, length
  int free_slots = slot_count;
  bool done = false;
};

void hash_pieces(piece_queue& q, const std::vector<std::vector<unsigned char>>& slots, unsigned& sink) {
  shoal::sha1_pair pair;
  for (;;) {
    std::unique_lock lock(q.mu);
    q.changed.wait(lock, [&] { return q.full.size() >= 2 || q.done; });
    if (q.full.empty()) return;
    const auto a = q.full.front();
    q.full.pop_front();
    std::pair<int, std::size_t> b{-1, 0};
    if (!q.full.empty()) {
      b = q.full.front();
      q.full.pop_front();
    }
    lock.unlock();
    if (b.first >= 0 && a.second == b.second) {
      pair.update(slots[a.first].data(), slots[b.first].data(), a.second);
      sink += pair.final(0).bytes[0] + pair.final(1).bytes[0];
    } else {
      for (const auto& [slot, length] : {a, b}) {
        if (slot < 0) continue;
        pair.update(0, slots[slot].data(), length);
        sink += pair.final(0).bytes[0];
      }
    }
    lock.lock();
    q.free_slots += b.first >= 0 ? 2 : 1;
    q.changed.notify_all();
  }
}

int receive_file(const char* path, std::int64_t size, int port) {
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(std::string("open ") + path);
  if (size > 0 && ::fallocate(fd, 0, 0, size) != 0) fail("fallocate");
  const auto t0 = std::chrono::steady_clock::now();
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  const auto addr = loopback(port);
  if (::connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) fail("connect");
  std::vector<std::vector<unsigned char>> slots(slot_count, std::vector<unsigned char>(piece_length));
  piece_queue q;
  unsigned sink = 0;
  std::thread hasher([&] { hash_pieces(q, slots, sink); });
  int slot = 0;
  for (std::int64_t at = 0; at < size; at += static_cast<std::int64_t>(piece_length)) {
    {
      std::unique_lock lock(q.mu);
      q.changed.wait(lock, [&] { return q.free_slots > 0; });
      --q.free_slots;
    }
    const auto length = static_cast<std::size_t>(std::min<std::int64_t>(piece_length, size - at));
    unsigned char* buf = slots[slot].data();
    std::size_t got = 0, written = 0;
    while (got < length) {
      const ssize_t n = ::recv(s, buf + got, length - got, 0);
      if (n <= 0) fail("recv");
      got += static_cast<std::size_t>(n);
      // Each whole block (or the piece's short last one) goes to the file at once, as our leech writes them.
      while (got - written >= block_length || (got == length && written < length)) {
        const std::size_t w = std::min(block_length, got - written);
        if (::pwrite(fd, buf + written, w, at + static_cast<std::int64_t>(written)) != static_cast<ssize_t>(w))
          fail("pwrite");
        written += w;
      }
    }
    std::lock_guard lock(q.mu);
    q.full.emplace_back(slot, length);
    q.changed.notify_all();
    slot = (slot + 1) % slot_count;
  }
  {
    std::lock_guard lock(q.mu);
    q.done = true;
    q.changed.notify_all();
  }
  hasher.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("received, written and hashed %lld bytes in %.3f s (digest bits %u)\n", static_cast<long long>(size),
              secs, sink & 1);
  ::close(s);
  return ::close(fd) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "send") == 0) return send_file(argv[2], std::atoi(argv[3]));
  if (argc == 5 && std::strcmp(argv[1], "receive") == 0)
    return receive_file(argv[2], std::atoll(argv[3]), std::atoi(argv[4]));
  std::fprintf(stderr, "usage: loopback_floor send FILE PORT | loopback_floor receive OUT SIZE PORT\n");
  return 2;
}
