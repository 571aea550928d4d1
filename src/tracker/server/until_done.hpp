#pragma once
// The front ends' async boundary, seen from a coroutine: co_await until_done(start) calls
// start(done) and resumes once done() has run. done() may run inside start (the in-memory
// store: then nothing suspends) or later on any thread (a Redis connection's strand: then
// the coroutine resumes on its own executor, never on the store's).
#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>

namespace shoal::tracker {

namespace detail {
struct completion {
  std::mutex mutex;
  bool done = false;
  std::function<void()> resume;  // set once the coroutine has suspended
};
}  // namespace detail

template <class Start>
boost::asio::awaitable<void> until_done(Start start) {
  namespace asio = boost::asio;
  auto state = std::make_shared<detail::completion>();
  start([state] {
    std::function<void()> resume;
    {
      std::lock_guard lock(state->mutex);
      state->done = true;
      resume = std::move(state->resume);
    }
    if (resume) resume();
  });
  {
    std::lock_guard lock(state->mutex);
    if (state->done) co_return;
  }
  // The frame's `state` outlives the wait, so the initiation holds a plain pointer: GCC 12 may destroy
  // a temporary of a co_await expression twice, which a lambda capturing a shared_ptr does not survive.
  auto initiation = [s = state.get()](auto handler) {
    auto executor = asio::get_associated_executor(handler);
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    std::function<void()> resume = [h, executor] {
      asio::post(executor, [h]() mutable { std::move (*h)(); });
    };
    std::unique_lock lock(s->mutex);
    if (!s->done) {
      s->resume = std::move(resume);
      return;
    }
    lock.unlock();
    resume();
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(initiation, asio::use_awaitable);
}

}  // namespace shoal::tracker
