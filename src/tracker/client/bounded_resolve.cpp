#include "shoal/tracker/client/bounded_resolve.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shoal {

namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Shared by the caller and the lookup thread; whichever is last frees it.
struct lookup {
  std::mutex m;
  bool done = false;
  std::vector<asio::ip::address> addresses;
  std::string error;
};

void run_lookup(const std::shared_ptr<lookup>& st, const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  std::vector<asio::ip::address> out;
  for (auto* p = found; rc == 0 && p != nullptr; p = p->ai_next) {
    asio::ip::tcp::endpoint ep;
    if (p->ai_addrlen > ep.capacity()) continue;
    std::memcpy(ep.data(), p->ai_addr, p->ai_addrlen);
    out.push_back(ep.address());
  }
  if (found != nullptr) ::freeaddrinfo(found);
  std::lock_guard lock(st->m);
  st->done = true;
  st->addresses = std::move(out);
  if (rc != 0) st->error = ::gai_strerror(rc);
  else if (st->addresses.empty()) st->error = "no address";
}

}  // namespace

asio::awaitable<result<std::vector<asio::ip::address>>> resolve_bounded(asio::any_io_executor ex, std::string host,
                                                                        clock::time_point deadline) {
  boost::system::error_code ec;
  auto numeric = asio::ip::make_address(host, ec);
  if (!ec) co_return std::vector<asio::ip::address>{numeric};
  auto st = std::make_shared<lookup>();
  try {
    std::thread([st, host] { run_lookup(st, host); }).detach();
  } catch (const std::system_error& e) {
    co_return error{"resolve " + host + ": cannot start a lookup thread: " + e.what()};
  }
  // Polled, not posted back: the thread never touches the io_context, which may be gone when it finishes.
  asio::steady_timer timer(ex);
  for (;;) {
    {
      std::lock_guard lock(st->m);
      if (st->done && !st->error.empty()) co_return error{"resolve " + host + ": " + st->error};
      if (st->done) co_return std::move(st->addresses);
    }
    const auto now = clock::now();
    if (now >= deadline) co_return error{"resolve " + host + ": timed out"};
    timer.expires_after(std::min<clock::duration>(10ms, deadline - now));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace shoal
