// A torrent's data check: queued in the session's verify queue, run on the hash pool, its verdict installed.
#include "shoal/session/torrent.hpp"
#include "torrent_transfer_state.hpp"

#include "torrent_check_job.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/read.hpp>
#include <spdlog/spdlog.h>

#include "shoal/net/spawn.hpp"
#include "shoal/peer/handshake_io.hpp"
#include "shoal/peer/peer_connection.hpp"
#include "shoal/session/data_check.hpp"
#include "shoal/storage/remove_data.hpp"
#include "shoal/util/byte_size.hpp"
#include "shoal/tracker/client/announcer.hpp"
#include "shoal/wire/ext/metadata_assembler.hpp"
#include "shoal/wire/ext/ut_metadata.hpp"
#include "shoal/wire/handshake.hpp"
#include "shoal/wire/frame_decoder.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace shoal::session {

void torrent::queue_check() {
  const auto from = lifecycle_.state();
  if (from != torrent_state::queued_for_check) return;
  // Created queued: the first change_state has no "from"; the session learns it from the added event.
  if (link_->request_check) link_->request_check(id_);
}

void torrent::run_check(asio::thread_pool& pool, std::function<void()> done) {
  const auto from = lifecycle_.state();
  if (stopping_ || !lifecycle_.start_check()) {
    done();
    return;
  }
  auto job = std::make_shared<check_job>();
  job->options.seed_only = opt_->seed_only;
  job->options.threads = opt_->hash_threads;
  job->options.overwrite = opt_->overwrite;
  job->options.preallocate = opt_->preallocate;
  job->options.recheck = data_opened_;
  check_ = job;
  change_state(from);
  auto self = shared_from_this();
  // The worker holds its own references to the metainfo and the folder (both immutable, shared).
  asio::post(pool, [self, job, meta = meta_, root = root_, done = std::move(done)]() mutable {
    job->outcome = open_and_check(meta, *root, job->options, job->progress);
    asio::post(self->link_->executor, [self, job, done = std::move(done)]() mutable {
      self->on_checked(std::move(job), std::move(done));
    });
  });
}

void torrent::on_checked(std::shared_ptr<check_job> job, std::function<void()> done) {
  done();  // the verify queue may start the next check
  if (check_ == job) check_.reset();
  if (job->progress.cancelled || stopping_ || lifecycle_.state() != torrent_state::checking) return;
  if (!job->outcome) {
    fail(job->outcome.message(), false);
    return;
  }
  install_check(job->outcome->store ? std::move(*job->outcome->store) : std::optional<storage>{}, job->outcome->have);
  const auto from = lifecycle_.state();
  lifecycle_.check_done(complete_data());
  activate();
  if (peers_.empty()) close_files();  // the check opened them; the first peer opens them again
  change_state(from);
  // A leech whose data was complete already (a verify again of a complete torrent is not a new completion).
  if (complete_data() && !opt_->seed_only && !job->options.recheck) complete();
}

// The check's verdict replaces what the picker knew: a re-check may find pieces missing that were had.
void torrent::install_check(std::optional<storage> st, const bitfield& have) {
  if (st) {
    storage_ = std::make_shared<storage>(std::move(*st));
    data_opened_ = true;
  }
  drop_partial_pieces();  // the check's verdict replaces every partial piece
  have_ = bitfield(static_cast<std::size_t>(meta_->piece_count()));
  for (int i = 0; i < meta_->piece_count(); ++i)
    if (have.get(static_cast<std::size_t>(i))) have_.set(static_cast<std::size_t>(i));
  resumed_pieces_ = have_count();
  downloaded_pieces_ = 0;
}

void torrent::cancel_check() {
  if (check_) check_->progress.cancelled = true;
  check_.reset();
}


}  // namespace shoal::session
