#pragma once
// For the unit tests that drive an io_context by hand (the engine's and the daemon's): run it in short slices
// until a condition holds, never longer than a bound.
#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace shoal::test {

// False when `bound` passed first. A stopped context is restarted (a test may have stopped it to end a phase).
inline bool run_io_until(boost::asio::io_context& io, const std::function<bool()>& done,
                         std::chrono::steady_clock::duration bound) {
  using namespace std::chrono_literals;
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    if (io.stopped()) io.restart();
    io.run_for(20ms);
  }
  return true;
}

}  // namespace shoal::test
