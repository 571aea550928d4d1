#pragma once
// One announce to one tracker URL, whatever its scheme (http://, udp://).
#include <chrono>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "shoal/tracker/protocol/announce_response.hpp"
#include "shoal/tracker/protocol/announce_request.hpp"

namespace shoal {

// Errors never repeat the URL (the caller names the tracker); https:// gives
// "https trackers are not supported". A non-200 HTTP status gives "HTTP <code> <reason>",
// unless the body carries a bencoded failure reason, which wins.
boost::asio::awaitable<result<announce_response>> announce_to(boost::asio::any_io_executor ex,
                                                           std::string url,
                                                           announce_request req,
                                                           std::chrono::milliseconds timeout);

}  // namespace shoal
