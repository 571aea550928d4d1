#include "shoal/tracker/server/udp_server.hpp"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include "shoal/tracker/protocol/udp_tracker_packets.hpp"
#include "shoal/tracker/server/udp_front_end.hpp"
#include "until_done.hpp"

namespace shoal::tracker {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

constexpr std::size_t batch = 32;
// Requests are 16 to 98 bytes (plus BEP 41 options), scrapes at most 16 + 74 x 20: a
// larger datagram is cut here and answered with an error.
constexpr std::size_t receive_size = 2048;
// Replies fit one IPv6 datagram on a 1500-byte path: 238 IPv4 or 79 IPv6 peers at most.
constexpr std::size_t reply_size = 1452;
// Batches one socket handles before letting other work on its thread run.
constexpr int rounds_before_yield = 16;

static_assert(reply_size >= udp_tracker::min_reply_buffer);

// One socket's buffers, reused from batch to batch (about 110 KiB).
struct batch_buffers {
  std::array<std::array<std::uint8_t, receive_size>, batch> in;
  std::array<std::array<std::uint8_t, reply_size>, batch> out;
  std::array<sockaddr_storage, batch> addrs;
  std::array<iovec, batch> in_iov, out_iov;
  std::array<mmsghdr, batch> in_msgs, out_msgs;
  std::array<std::size_t, batch> lengths;
  // One per datagram: a batch's requests wait on the store together (pipelined).
  std::array<request_scratch, batch> scratch;
};

peer_origin origin_of(const sockaddr_storage& sa) {
  peer_origin o;
  if (sa.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(sa);
    std::memcpy(o.ip.data(), &a.sin_addr, 4);
    return o;
  }
  const auto& a = reinterpret_cast<const sockaddr_in6&>(sa);
  const auto* b = a.sin6_addr.s6_addr;
  static constexpr std::uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, v4_mapped, 12) == 0) {
    std::memcpy(o.ip.data(), b + 12, 4);  // a dual-stack socket's IPv4 client is IPv4
  } else {
    std::memcpy(o.ip.data(), b, 16);
    o.v6 = true;
  }
  return o;
}

// Receives up to `batch` datagrams without blocking; the count, 0 when none is waiting.
int receive_batch(int fd, batch_buffers& b) {
  for (std::size_t i = 0; i < batch; ++i) {
    b.in_iov[i] = {b.in[i].data(), receive_size};
    auto& h = b.in_msgs[i].msg_hdr;
    h = {};
    h.msg_name = &b.addrs[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &b.in_iov[i];
    h.msg_iovlen = 1;
  }
  int n = ::recvmmsg(fd, b.in_msgs.data(), batch, MSG_DONTWAIT, nullptr);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      spdlog::debug("udp receive: {}", std::strerror(errno));
    }
    return 0;
  }
  return n;
}

// Sends the first `count` prepared replies. A full send buffer drops the rest (the
// clients retry); a reply the kernel refuses (an unreachable address) is skipped.
void send_batch(int fd, batch_buffers& b, int count) {
  int sent = 0;
  while (sent < count) {
    int r = ::sendmmsg(fd, b.out_msgs.data() + sent, static_cast<unsigned>(count - sent),
                       MSG_DONTWAIT);
    if (r > 0) {
      sent += r;
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
      spdlog::debug("udp send buffer full: {} replies dropped", count - sent);
      return;
    }
    if (errno != EINTR) ++sent;
  }
}

}  // namespace

struct udp_server::impl {
  impl(asio::io_context& c, udp_front_end& f, clock::time_point s) : ioc(c), front(f), start(s) {}

  std::uint32_t now() const {
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::seconds>(clock::now() - start).count());
  }

  // Answers the received datagrams into the out half of `b`; the number of replies. The
  // whole batch goes to the logic at once and is sent when its last answer is in.
  asio::awaitable<int> answer(batch_buffers& b, int received) {
    std::uint32_t t = now();
    auto unix_now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count());
    co_await until_done([&](auto all_done) {
      auto pending = std::make_shared<std::atomic<int>>(received + 1);
      auto one_done = [pending, all_done] {
        if (pending->fetch_sub(1, std::memory_order_acq_rel) == 1) all_done();
      };
      for (int i = 0; i < received; ++i) {
        const auto& m = b.in_msgs[i];
        udp_datagram d;
        d.bytes = {reinterpret_cast<const char*>(b.in[i].data()),
                   std::min<std::size_t>(m.msg_len, receive_size)};
        d.truncated = (m.msg_hdr.msg_flags & MSG_TRUNC) != 0;
        d.from = origin_of(b.addrs[i]);
        front.handle(d, t, unix_now, b.scratch[i], b.out[i], [&b, i, one_done](std::size_t len) {
          b.lengths[i] = len;
          one_done();
        });
      }
      one_done();
    });
    int replies = 0;
    for (int i = 0; i < received; ++i) {
      std::size_t len = b.lengths[i];
      if (len == 0) continue;
      b.out_iov[replies] = {b.out[i].data(), len};
      auto& h = b.out_msgs[replies].msg_hdr;
      h = {};
      h.msg_name = &b.addrs[i];
      h.msg_namelen = b.in_msgs[i].msg_hdr.msg_namelen;
      h.msg_iov = &b.out_iov[replies];
      h.msg_iovlen = 1;
      ++replies;
    }
    co_return replies;
  }

  asio::awaitable<void> receive_loop(udp::socket& s) {
    auto b = std::make_unique<batch_buffers>();
    int fd = s.native_handle();
    char none = 0;
    for (;;) {
      // The reactor reports readiness on edges, so drain the socket before waiting again.
      // The wait is an empty peeking receive, not async_wait: a receive is tried at once
      // when an edge came while no operation was queued (another thread's epoll_wait can
      // take it between our last recvmmsg and this wait), where async_wait would sleep
      // until the next datagram.
      auto [ec, peeked] = co_await s.async_receive(
          asio::buffer(&none, 0), udp::socket::message_peek, asio::as_tuple(asio::use_awaitable));
      (void)peeked;
      if (ec == asio::error::operation_aborted || !s.is_open()) co_return;
      for (int rounds = 1;; ++rounds) {
        int received = receive_batch(fd, *b);
        if (received == 0) break;
        send_batch(fd, *b, co_await answer(*b, received));
        if (rounds % rounds_before_yield == 0) {
          co_await asio::post(s.get_executor(), asio::use_awaitable);
          if (!s.is_open()) co_return;
        }
      }
    }
  }

  asio::io_context& ioc;
  udp_front_end& front;
  clock::time_point start;
  std::mutex mutex;  // guards `sockets` against close() from another thread
  std::vector<std::unique_ptr<udp::socket>> sockets;
};

udp_server::udp_server(asio::io_context& ioc, udp_front_end& front, clock::time_point start)
    : impl_(std::make_unique<impl>(ioc, front, start)) {}

udp_server::~udp_server() = default;

bool udp_server::start(const std::string& host, std::uint16_t port, int sockets) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) {
    spdlog::error("--host {}: not an IP address", host);
    return false;
  }
  udp::endpoint ep(addr, port);
  std::lock_guard lock(impl_->mutex);
  for (int i = 0; i < sockets; ++i) {
    auto s = std::make_unique<udp::socket>(impl_->ioc);
    s->open(ep.protocol(), ec);
    if (!ec && addr.is_v6()) s->set_option(asio::ip::v6_only(false), ec);
    if (!ec) s->set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    // A deeper queue rides out bursts; the kernel caps it at net.core.rmem_max.
    if (!ec) s->set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
    if (!ec) s->bind(ep, ec);
    if (ec) {
      spdlog::error("cannot bind UDP {}:{}: {}", host, port, ec.message());
      return false;
    }
    impl_->sockets.push_back(std::move(s));
  }
  for (auto& s : impl_->sockets) {
    asio::co_spawn(impl_->ioc, impl_->receive_loop(*s), asio::detached);
  }
  spdlog::info("UDP tracker (BEP 15) on {}:{} ({} socket(s))", host, port, sockets);
  return true;
}

void udp_server::close() {
  std::lock_guard lock(impl_->mutex);
  for (auto& s : impl_->sockets) {
    asio::post(s->get_executor(), [sock = s.get()] {
      boost::system::error_code ec;
      sock->close(ec);
    });
  }
}

}  // namespace shoal::tracker
