// udp_tracker_load: a BEP 15 announce load generator for bench/tracker_udp.sh (not a
// tool, not installed). Each thread owns one socket, keeps a window of announces in
// flight and moves them in batches (sendmmsg/recvmmsg), so one core outpaces a tracker
// doing the real work. The same announce mix as bench/tracker/announce_mix.lua: 50 peers
// a torrent over the given info-hashes, 20 % seeders, 2 % started, 1 % completed, 1 %
// stopped, numwant 50. Bounded by --seconds and --max; prints one line of counts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "shoal/tracker/protocol/udp_tracker_packets.hpp"
#include "shoal/util/big_endian.hpp"
#include "shoal/util/hex.hpp"

namespace {

namespace udp = shoal::udp_tracker;
using steady = std::chrono::steady_clock;

constexpr unsigned batch = 64;

struct options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string hashes_path;
  double seconds = 10;
  std::uint64_t max = 10'000'000;
  unsigned window = 512;
  int threads = 1;
};

struct totals {
  std::atomic<std::uint64_t> sent{0}, answered{0}, errors{0}, lost{0};
};

// A connect round trip, retried; the connection id, or 0 when the tracker never answered.
std::uint64_t connect_id(int fd) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto req = udp::connect_request(static_cast<std::uint32_t>(attempt));
    if (::send(fd, req.data(), req.size(), 0) < 0) continue;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 500) <= 0) continue;
    char buf[64];
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) continue;
    auto id = udp::parse_connect_reply({buf, static_cast<std::size_t>(n)});
    if (id) return *id;
  }
  return 0;
}

void run_thread(const options& o, const std::vector<shoal::sha1_digest>& hashes, int index,
                steady::time_point stop_at, std::uint64_t quota, totals& t) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(o.port));
  ::inet_pton(AF_INET, o.host.c_str(), &to.sin_addr);
  int big = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::perror("connect");
    ::close(fd);
    return;
  }
  std::uint64_t conn = connect_id(fd);
  if (conn == 0) {
    std::cerr << "udp_tracker_load: no connect reply from " << o.host << ":" << o.port << "\n";
    ::close(fd);
    return;
  }
  std::mt19937_64 rng(0x5eed + static_cast<unsigned>(index));
  std::vector<std::uint16_t> ports(hashes.size() * 50);
  for (auto& p : ports) p = static_cast<std::uint16_t>(1024 + rng() % 64512);

  std::vector<std::array<std::uint8_t, 98>> out(batch);
  std::vector<std::array<std::uint8_t, 2048>> in(batch);
  std::vector<iovec> out_iov(batch), in_iov(batch);
  std::vector<mmsghdr> out_msgs(batch), in_msgs(batch);
  for (unsigned i = 0; i < batch; ++i) {
    out_iov[i] = {out[i].data(), out[i].size()};
    in_iov[i] = {in[i].data(), in[i].size()};
  }
  shoal::announce_request req;
  req.numwant = 50;
  std::uint32_t txid = static_cast<std::uint32_t>(index) << 24;
  std::uint64_t sent = 0, answered = 0, errors = 0, lost = 0, outstanding = 0;
  // Connection ids live one to two minutes (BEP 15): renew before that.
  auto renew_at = steady::now() + std::chrono::seconds(50);
  while (steady::now() < stop_at && sent < quota) {
    if (steady::now() >= renew_at && outstanding == 0) {
      conn = connect_id(fd);
      if (conn == 0) break;
      renew_at = steady::now() + std::chrono::seconds(50);
    }
    unsigned want = static_cast<unsigned>(
        std::min<std::uint64_t>({batch, o.window - std::min<std::uint64_t>(outstanding, o.window), quota - sent}));
    for (unsigned i = 0; i < want; ++i) {
      std::size_t t = rng() % hashes.size();
      unsigned p = static_cast<unsigned>(rng() % 50);
      req.info_hash = hashes[t];
      std::snprintf(reinterpret_cast<char*>(req.peer_id.data()), 21, "-UD0001-%06zu%06u", t % 1000000, p);
      req.port = ports[t * 50 + p];
      req.left = p % 5 == 0 ? 0 : 1048576;
      unsigned r = static_cast<unsigned>(rng() % 100);
      req.event = r < 2 ? shoal::announce_event::started
                  : r == 2 ? shoal::announce_event::completed
                  : r == 3 ? shoal::announce_event::stopped
                           : shoal::announce_event::none;
      if (req.event == shoal::announce_event::completed) req.left = 0;
      out[i] = udp::announce_packet(conn, ++txid, req);
      out_msgs[i] = {};
      out_msgs[i].msg_hdr.msg_iov = &out_iov[i];
      out_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    if (want > 0) {
      int n = ::sendmmsg(fd, out_msgs.data(), want, 0);
      if (n > 0) {
        sent += static_cast<unsigned>(n);
        outstanding += static_cast<unsigned>(n);
      }
    }
    pollfd pfd{fd, POLLIN, 0};
    // Only wait when the window is full; otherwise take what has arrived and send more.
    int timeout_ms = outstanding >= o.window ? 200 : 0;
    if (::poll(&pfd, 1, timeout_ms) <= 0) {
      if (timeout_ms > 0) {  // the whole window went quiet: count it lost and go on
        lost += outstanding;
        outstanding = 0;
      }
      continue;
    }
    for (unsigned i = 0; i < batch; ++i) {
      in_msgs[i] = {};
      in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
      in_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int got = ::recvmmsg(fd, in_msgs.data(), batch, MSG_DONTWAIT, nullptr);
    for (int i = 0; i < got; ++i) {
      std::uint32_t action = shoal::load_be32(in[i].data());
      if (action == udp::announce) {
        ++answered;
      } else {
        ++errors;
      }
    }
    if (got > 0) outstanding -= std::min<std::uint64_t>(outstanding, static_cast<unsigned>(got));
  }
  ::close(fd);
  t.sent += sent;
  t.answered += answered;
  t.errors += errors;
  t.lost += lost;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BEP 15 announce load generator for bench/tracker_udp.sh"};
  options o;
  app.add_option("--host", o.host, "tracker IPv4 address")->capture_default_str();
  app.add_option("--port", o.port, "tracker UDP port")->required();
  app.add_option("--hashes", o.hashes_path, "info-hashes, 40 hex digits a line")->required();
  app.add_option("--seconds", o.seconds, "stop after this long")->check(CLI::Range(0.1, 3600.0))->capture_default_str();
  app.add_option("--max", o.max, "stop after this many announces sent")->capture_default_str();
  app.add_option("--window", o.window, "announces in flight per thread")->check(CLI::Range(1u, 65536u))->capture_default_str();
  app.add_option("--threads", o.threads, "threads, one socket each")->check(CLI::Range(1, 64))->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<shoal::sha1_digest> hashes;
  std::ifstream in(o.hashes_path);
  for (std::string line; std::getline(in, line);) {
    shoal::sha1_digest d;
    auto raw = shoal::from_hex(line);
    if (raw && shoal::sha1_digest::from_bytes(*raw, d)) hashes.push_back(d);
  }
  if (hashes.empty()) {
    std::cerr << "udp_tracker_load: no info-hash in " << o.hashes_path << "\n";
    return 2;
  }
  totals t;
  auto start = steady::now();
  auto stop_at = start + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) {
    threads.emplace_back(run_thread, std::cref(o), std::cref(hashes), i, stop_at,
                         o.max / static_cast<std::uint64_t>(o.threads), std::ref(t));
  }
  for (auto& th : threads) th.join();
  double secs = std::chrono::duration<double>(steady::now() - start).count();
  std::printf("sent=%llu answered=%llu errors=%llu lost=%llu seconds=%.3f rate=%.0f\n",
              static_cast<unsigned long long>(t.sent.load()),
              static_cast<unsigned long long>(t.answered.load()),
              static_cast<unsigned long long>(t.errors.load()),
              static_cast<unsigned long long>(t.lost.load()), secs,
              static_cast<double>(t.answered.load()) / secs);
  return t.answered.load() > 0 ? 0 : 1;
}
