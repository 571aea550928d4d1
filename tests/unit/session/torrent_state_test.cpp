#include "shoal/session/torrent_state.hpp"

#include <gtest/gtest.h>

namespace shoal::session {
namespace {

TEST(TorrentLifecycle, CheckThenDownloadThenSeed) {
  torrent_lifecycle l;
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
  EXPECT_FALSE(l.active());
  EXPECT_FALSE(l.check_done(false));  // not checking yet
  ASSERT_TRUE(l.start_check());
  EXPECT_EQ(l.state(), torrent_state::checking);
  ASSERT_TRUE(l.check_done(false));
  EXPECT_EQ(l.state(), torrent_state::downloading);
  EXPECT_TRUE(l.active());
  EXPECT_TRUE(l.checked());
  ASSERT_TRUE(l.completed());
  EXPECT_EQ(l.state(), torrent_state::seeding);
  EXPECT_FALSE(l.completed());  // only from downloading
}

TEST(TorrentLifecycle, CompleteDataSeedsAtOnce) {
  torrent_lifecycle l;
  l.start_check();
  l.check_done(true);
  EXPECT_EQ(l.state(), torrent_state::seeding);
}

TEST(TorrentLifecycle, PauseAndResumeWithoutCheckingAgain) {
  torrent_lifecycle l;
  l.start_check();
  l.check_done(false);
  ASSERT_TRUE(l.pause());
  EXPECT_EQ(l.state(), torrent_state::paused);
  EXPECT_FALSE(l.pause());
  ASSERT_TRUE(l.resume(false));
  EXPECT_EQ(l.state(), torrent_state::downloading);
  l.pause();
  ASSERT_TRUE(l.resume(true));  // the download completed before the pause
  EXPECT_EQ(l.state(), torrent_state::seeding);
}

TEST(TorrentLifecycle, PausedDuringCheckChecksAgainOnResume) {
  torrent_lifecycle l;
  l.start_check();
  ASSERT_TRUE(l.pause());
  EXPECT_FALSE(l.check_done(true));  // the abandoned check's result is not taken
  EXPECT_EQ(l.state(), torrent_state::paused);
  ASSERT_TRUE(l.resume(false));
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
}

TEST(TorrentLifecycle, AddedPausedIsCheckedOnResume) {
  torrent_lifecycle l;
  l.pause();
  l.resume(false);
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
}

TEST(TorrentLifecycle, VerifyQueuesACheck) {
  torrent_lifecycle l;
  EXPECT_FALSE(l.verify());  // queued already
  l.start_check();
  EXPECT_FALSE(l.verify());  // checking already
  l.check_done(true);
  ASSERT_TRUE(l.verify());
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
  EXPECT_FALSE(l.checked());
  l.start_check();
  l.check_done(false);
  l.pause();
  ASSERT_TRUE(l.verify());  // a paused torrent may be verified too
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
}

TEST(TorrentLifecycle, ErrorKeepsItsReasonUntilResumed) {
  torrent_lifecycle l;
  l.start_check();
  l.check_done(false);
  ASSERT_TRUE(l.fail("disk full"));
  EXPECT_EQ(l.state(), torrent_state::error);
  EXPECT_EQ(l.error(), "disk full");
  EXPECT_FALSE(l.active());
  EXPECT_FALSE(l.fail("again"));  // the first reason stays
  EXPECT_EQ(l.error(), "disk full");
  EXPECT_FALSE(l.pause());  // an error is not hidden behind "paused"
  ASSERT_TRUE(l.resume(false));  // checked again: the error may have left the data anywhere
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
  EXPECT_TRUE(l.error().empty());
}

TEST(TorrentLifecycle, FetchingMetadataComesFirst) {
  torrent_lifecycle l(torrent_state::fetching_metadata);
  EXPECT_FALSE(l.start_check());
  EXPECT_FALSE(l.verify());  // nothing to verify without the info dictionary
  ASSERT_TRUE(l.pause());
  ASSERT_TRUE(l.resume(false));
  EXPECT_EQ(l.state(), torrent_state::fetching_metadata);  // still without metadata
  ASSERT_TRUE(l.metadata_received());
  EXPECT_EQ(l.state(), torrent_state::queued_for_check);
}

TEST(TorrentLifecycle, TrustedResumeDataSkipsTheCheck) {
  torrent_lifecycle l;
  ASSERT_TRUE(l.trusted(false));
  EXPECT_EQ(l.state(), torrent_state::downloading);
  EXPECT_TRUE(l.checked());
  EXPECT_FALSE(l.trusted(true));  // only before any check

  torrent_lifecycle seed;
  ASSERT_TRUE(seed.trusted(true));
  EXPECT_EQ(seed.state(), torrent_state::seeding);

  torrent_lifecycle paused;
  ASSERT_TRUE(paused.pause());
  ASSERT_TRUE(paused.trusted(false));
  EXPECT_EQ(paused.state(), torrent_state::paused);
  ASSERT_TRUE(paused.resume(false));
  EXPECT_EQ(paused.state(), torrent_state::downloading);  // the data is known: no check on resume

  torrent_lifecycle fetching(torrent_state::fetching_metadata);
  EXPECT_FALSE(fetching.trusted(false));
}

TEST(TorrentLifecycle, NamesForPeople) {
  EXPECT_EQ(to_string(torrent_state::queued_for_check), "queued for check");
  EXPECT_EQ(to_string(torrent_state::fetching_metadata), "fetching metadata");
  EXPECT_EQ(to_string(torrent_state::error), "error");
}

}  // namespace
}  // namespace shoal::session
