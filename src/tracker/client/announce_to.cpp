#include "shoal/tracker/client/announce_to.hpp"

#include <algorithm>
#include <cctype>

#include "shoal/tracker/client/http_get.hpp"
#include "shoal/tracker/client/udp_announce.hpp"

namespace shoal {

namespace {

namespace asio = boost::asio;

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char want, char got) {
           return std::tolower(static_cast<unsigned char>(got)) == want;
         });
}

asio::awaitable<result<announce_response>> announce_http(asio::any_io_executor ex, std::string url,
                                                      announce_request req,
                                                      std::chrono::milliseconds timeout) {
  http_get_options options;
  options.timeout = timeout;
  options.max_body = max_announce_response_size;
  auto res = co_await http_get(ex, build_announce_target(url, req), options);
  if (!res) co_return res.err();
  auto reply = parse_announce_response(res->body);
  if (res->status == 200) co_return reply;
  if (!reply && reply.message().rfind("tracker failure: ", 0) == 0) co_return reply;
  co_return error{"HTTP " + std::to_string(res->status) + " " + res->reason};
}

}  // namespace

asio::awaitable<result<announce_response>> announce_to(asio::any_io_executor ex, std::string url,
                                                    announce_request req,
                                                    std::chrono::milliseconds timeout) {
  if (starts_with_nocase(url, "http://")) co_return co_await announce_http(ex, url, req, timeout);
  if (starts_with_nocase(url, "udp://")) co_return co_await udp_announce(ex, url, req, timeout);
  if (starts_with_nocase(url, "https://")) co_return error{"https trackers are not supported"};
  co_return error{"unsupported tracker URL scheme (want http:// or udp://)"};
}

}  // namespace shoal
