// Fast resume: a torrent brought back by the daemon trusts the pieces its resume data lists when every file is
// as it was when they were saved (size and modification time), instead of hashing everything again; and what
// to save now. Counters and dates carry on over every run.
#include <chrono>

#include <spdlog/spdlog.h>

#include "shoal/session/torrent.hpp"

namespace shoal::session {

namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool torrent::start_from_resume() {
  added_at_ = unix_now();
  if (!resume_) return false;
  resume_data r = std::move(*resume_);
  resume_.reset();  // trusted once: a later verify or resume after an error hashes the data
  if (r.added_at != 0) added_at_ = r.added_at;
  completed_at_ = r.completed_at;
  uploaded_before_ = r.uploaded;
  downloaded_before_ = r.downloaded;
  const auto state = lifecycle_.state();
  if (state != torrent_state::queued_for_check && state != torrent_state::paused) return false;
  if (r.info_hash != meta_->info_hash || r.pieces.size() != static_cast<std::size_t>(meta_->piece_count()))
    return false;  // decode_resume checked these; a caller who built it by hand may not have
  if (!stamps_match(r, stamp_files(*meta_, *root_))) {
    spdlog::info("{}: files changed since the resume data was saved: checking them", meta_->name);
    return false;
  }
  // The files are as they were: opening them sizes nothing (no preallocation, which may touch the times).
  auto st = storage::open(meta_, *root_, opt_->seed_only ? storage::open_mode::read_only : storage::open_mode::create);
  if (!st) {
    spdlog::info("{}: {}: checking the data instead of trusting the resume data", meta_->name, st.message());
    return false;
  }
  install_check(std::move(*st), r.pieces);
  if (opt_->seed_only && !complete_data()) {
    // A seed serves complete data only: the check will say which piece is missing.
    storage_.reset();
    data_opened_ = false;
    return false;
  }
  const auto from = lifecycle_.state();
  if (!lifecycle_.trusted(complete_data())) return false;
  spdlog::info("{}: {} of {} pieces trusted from the resume data (files unchanged)", meta_->name, resumed_pieces_,
               meta_->piece_count());
  if (lifecycle_.active()) activate();
  if (peers_.empty()) close_files();  // as after a check: the first peer opens them again
  change_state(from);
  return true;
}

resume_data torrent::resume_now() const {
  resume_data r;
  r.info_hash = meta_->info_hash;
  r.root = root_->string();
  if (lifecycle_.checked()) {
    r.pieces = have_;
    r.files = stamp_files(*meta_, *root_);
  } else {
    r.pieces = bitfield(static_cast<std::size_t>(meta_->piece_count()));
    r.files.assign(meta_->files.size(), file_stamp{});
  }
  const auto h = history();
  r.added_at = h.added_at;
  r.completed_at = h.completed_at;
  r.uploaded = h.uploaded;
  r.downloaded = h.downloaded;
  r.paused = lifecycle_.state() == torrent_state::paused;
  r.download_rate_limit = download_rate_;
  r.upload_rate_limit = upload_rate_;
  r.max_peers = opt_->max_peers;
  return r;
}

torrent_history torrent::history() const {
  if (completed_at_ == 0 && lifecycle_.checked() && complete_data()) completed_at_ = unix_now();
  return {added_at_, completed_at_, uploaded_before_ + uploaded_, downloaded_before_ + downloaded_};
}

}  // namespace shoal::session
