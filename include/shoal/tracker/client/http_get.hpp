#pragma once
// A bounded HTTP/1.1 GET for tracker announces: one deadline for the whole exchange
// (resolve, connect, request, reply and redirects), a cap on the body, a few redirects.
#include <chrono>
#include <cstddef>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "shoal/util/result.hpp"

namespace shoal {

struct http_response {
  unsigned status = 0;
  std::string reason;
  std::string body;
};

struct http_get_options {
  std::chrono::steady_clock::duration timeout = std::chrono::seconds(15);
  std::size_t max_body = std::size_t{1} << 20;
  int max_redirects = 3;  // 301, 302, 303, 307 and 308 to another http:// URL
};

// Only http:// URLs. Errors say which step failed ("connect to 127.0.0.1:80: ...").
// Any status is a successful exchange; the caller decides what a non-200 means.
boost::asio::awaitable<result<http_response>> http_get(boost::asio::any_io_executor ex,
                                                       std::string url,
                                                       http_get_options options = {});

}  // namespace shoal
