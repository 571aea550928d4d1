#include "hiredis_asio.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>

namespace shoal::tracker {

namespace asio = boost::asio;

namespace {

// Owned by itself (`self`) while attached; a wait in flight holds another reference, so
// the object outlives the context's cleanup until its cancelled waits have run.
class hiredis_watch : public std::enable_shared_from_this<hiredis_watch> {
 public:
  hiredis_watch(redisAsyncContext* ac, const asio::any_io_executor& ex)
      : ac_(ac), socket_(ex, ac->c.fd) {}

  void start() {
    self_ = shared_from_this();
    ac_->ev.data = this;
    ac_->ev.addRead = [](void* p) { static_cast<hiredis_watch*>(p)->want(true); };
    ac_->ev.delRead = [](void* p) { static_cast<hiredis_watch*>(p)->reading_.wanted = false; };
    ac_->ev.addWrite = [](void* p) { static_cast<hiredis_watch*>(p)->want(false); };
    ac_->ev.delWrite = [](void* p) { static_cast<hiredis_watch*>(p)->writing_.wanted = false; };
    ac_->ev.cleanup = [](void* p) { static_cast<hiredis_watch*>(p)->cleanup(); };
  }

 private:
  struct direction {
    bool wanted = false;
    bool waiting = false;
  };

  direction& dir(bool read) { return read ? reading_ : writing_; }

  void want(bool read) {
    dir(read).wanted = true;
    arm(read);
  }

  void arm(bool read) {
    direction& d = dir(read);
    if (!ac_ || !d.wanted || d.waiting) return;
    d.waiting = true;
    auto kind = read ? asio::posix::stream_descriptor::wait_read
                     : asio::posix::stream_descriptor::wait_write;
    socket_.async_wait(kind, [self = shared_from_this(), read](const boost::system::error_code& ec) {
      direction& d = self->dir(read);
      d.waiting = false;
      if (ec || !self->ac_ || !d.wanted) return;
      // May free the context (a disconnect), which runs cleanup() and clears ac_.
      if (read) {
        redisAsyncHandleRead(self->ac_);
      } else {
        redisAsyncHandleWrite(self->ac_);
      }
      self->arm(read);
    });
  }

  void cleanup() {
    ac_ = nullptr;
    // hiredis closes the descriptor itself: let go of it without closing, which also
    // cancels the waits in flight (they hold their own references).
    socket_.release();
    auto last = std::move(self_);  // this object may die when `last` does, at return
  }

  redisAsyncContext* ac_;
  asio::posix::stream_descriptor socket_;
  direction reading_;
  direction writing_;
  std::shared_ptr<hiredis_watch> self_;
};

}  // namespace

bool attach_hiredis(redisAsyncContext* ac, const asio::any_io_executor& executor) {
  if (ac->ev.data != nullptr) return false;
  std::make_shared<hiredis_watch>(ac, executor)->start();
  return true;
}

}  // namespace shoal::tracker
