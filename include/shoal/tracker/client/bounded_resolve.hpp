#pragma once
// Host name lookups that their deadline really ends. getaddrinfo runs on a detached thread that the caller stops
// waiting for at the deadline; Asio's resolver would instead keep a lookup running and join its thread at
// shutdown, so a DNS server that never answers held a leech's exit (and `announce --timeout 2`) for 10 s or more.
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "shoal/util/result.hpp"

namespace shoal {

// A numeric host is returned as it is; a name is looked up (IPv4 and IPv6). Errors name the host.
boost::asio::awaitable<result<std::vector<boost::asio::ip::address>>> resolve_bounded(
    boost::asio::any_io_executor ex, std::string host, std::chrono::steady_clock::time_point deadline);

}  // namespace shoal
