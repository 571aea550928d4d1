#pragma once
// co_spawn with a completion handler that reports an escaped exception instead of dropping it silently.
#include <exception>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <spdlog/spdlog.h>

namespace shoal::net {

inline auto report_exception(std::string what) {
  return [what = std::move(what)](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      spdlog::error("{}: unexpected exception: {}", what, x.what());
    }
  };
}

}  // namespace shoal::net
