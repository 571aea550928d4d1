#pragma once
// One announce to a udp:// tracker (BEP 15): connect, then announce, each retried with
// doubling waits (BEP 15's 15 * 2^n schedule, scaled so all tries fit in `timeout`).
#include <chrono>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "shoal/tracker/protocol/announce_response.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"

namespace shoal {

boost::asio::awaitable<result<announce_response>> udp_announce(boost::asio::any_io_executor ex,
                                                            std::string url,
                                                            announce_request req,
                                                            std::chrono::milliseconds timeout);

}  // namespace shoal
