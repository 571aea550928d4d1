// The engine in-process: sessions on ONE io_context, a seed and leeches on 127.0.0.1, driven through the
// session API (add, pause, resume, verify, remove, set_limits) and observed through its events and snapshots.
// Every wait is bounded; no real time is asserted on, only what happened.
#include "engine_fixture.hpp"

namespace {

TEST_F(Engine, SeedToLeechWalksEveryStateAndTheFileArrivesIntact) {
  auto& seed = make_session();
  auto& leech = make_session();
  const auto sid = add(seed, seed_options());
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  const auto lid = add(leech, leech_options(seed, "leech"));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; })) << "no completion";
  ASSERT_TRUE(run_until([&] { return state_is(leech, lid, torrent_state::seeding); }));

  ASSERT_FALSE(seed.events.empty());
  EXPECT_EQ(seed.events.front().type, kind::added);
  EXPECT_EQ(seed.events.front().to, torrent_state::queued_for_check);
  EXPECT_EQ(seed.transitions(sid), (std::vector<state_pair>{{torrent_state::queued_for_check, torrent_state::checking},
                                                            {torrent_state::checking, torrent_state::seeding}}));
  ASSERT_FALSE(leech.events.empty());
  EXPECT_EQ(leech.events.front().type, kind::added);
  EXPECT_EQ(leech.events.front().id, lid);
  EXPECT_EQ(leech.events.front().info_hash, meta_.info_hash);
  EXPECT_EQ(leech.events.front().to, torrent_state::queued_for_check);
  EXPECT_EQ(leech.transitions(lid),
            (std::vector<state_pair>{{torrent_state::queued_for_check, torrent_state::checking},
                                     {torrent_state::checking, torrent_state::downloading},
                                     {torrent_state::downloading, torrent_state::seeding}}));
  // `completed` comes before the state change it causes, and after every piece was reported verified.
  const auto completed_at = std::find_if(leech.events.begin(), leech.events.end(),
                                         [](const auto& e) { return e.type == kind::completed; });
  const auto seeding_at = std::find_if(leech.events.begin(), leech.events.end(), [](const auto& e) {
    return e.type == kind::state_changed && e.to == torrent_state::seeding;
  });
  EXPECT_LT(completed_at - leech.events.begin(), seeding_at - leech.events.begin());
  std::vector<std::uint32_t> verified;
  for (auto it = leech.events.begin(); it != completed_at; ++it)
    if (it->type == kind::pieces_verified) verified.insert(verified.end(), it->pieces.begin(), it->pieces.end());
  std::sort(verified.begin(), verified.end());
  ASSERT_EQ(verified.size(), static_cast<std::size_t>(meta_.piece_count()));
  for (std::size_t i = 0; i < verified.size(); ++i) EXPECT_EQ(verified[i], i);
  EXPECT_EQ(completed_at->status.verified_bytes, file_size);

  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);
  const auto ls = leech.status(lid);
  EXPECT_TRUE(ls.finished);
  EXPECT_DOUBLE_EQ(ls.progress(), 1.0);
  EXPECT_EQ(ls.verified_bytes, file_size);
  EXPECT_EQ(ls.pieces_have, meta_.piece_count());
  EXPECT_GE(ls.downloaded, static_cast<std::uint64_t>(file_size));
  EXPECT_EQ(ls.hash_failures, 0u);
  ASSERT_TRUE(run_until([&] { return seed.status(sid).uploaded >= static_cast<std::uint64_t>(file_size); }));
}

// A mid-transfer snapshot of both ends, with the seed slowed down so there is a "mid".
TEST_F(Engine, StatusSnapshotsShowProgressPeersAndRatesDuringATransfer) {
  auto& seed = make_session();
  auto& leech = make_session();
  const auto sid = add(seed, seed_options(192 * 1024));
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  const auto lid = add(leech, leech_options(seed, "leech"));
  // Rates are measured over the last seconds: wait for them while the transfer is still going.
  ASSERT_TRUE(run_until([&] {
    const auto l = leech.status(lid);
    return l.download_rate > 0 && l.verified_bytes > 0 && seed.status(sid).upload_rate > 0;
  }));
  const auto l = leech.status(lid);
  const auto s = seed.status(sid);
  ASSERT_LT(l.verified_bytes, file_size) << "the transfer ended before the snapshot: the rate limit did not hold";
  EXPECT_EQ(l.state, torrent_state::downloading);
  EXPECT_EQ(l.id, lid);
  EXPECT_EQ(l.info_hash, meta_.info_hash);
  EXPECT_EQ(l.name, "movie.bin");
  EXPECT_EQ(l.total_bytes, file_size);
  EXPECT_GT(l.progress(), 0.0);
  EXPECT_LT(l.progress(), 1.0);
  // Whole pieces only (the last one is short).
  const std::int64_t whole = static_cast<std::int64_t>(l.pieces_have) * piece_length;
  EXPECT_TRUE(l.verified_bytes == whole || l.verified_bytes == whole - piece_length + file_size % piece_length)
      << l.verified_bytes << " bytes in " << l.pieces_have << " pieces";
  EXPECT_EQ(l.piece_count, meta_.piece_count());
  EXPECT_EQ(l.peers, 1u);
  EXPECT_EQ(l.seeds, 1u);
  EXPECT_TRUE(l.eta_seconds.has_value());
  EXPECT_FALSE(l.finished);
  EXPECT_EQ(s.state, torrent_state::seeding);
  EXPECT_EQ(s.peers, 1u);
  EXPECT_DOUBLE_EQ(s.progress(), 1.0);
  EXPECT_EQ(s.verified_bytes, file_size);
  EXPECT_GT(s.uploaded, 0u);
  EXPECT_FALSE(s.finished);  // a seed is never done by itself
  const auto totals = leech.s->totals();
  EXPECT_EQ(totals.port, leech.s->port());
  EXPECT_EQ(totals.torrents, 1u);
  EXPECT_EQ(totals.active, 1u);
  EXPECT_EQ(totals.peers, 1u);
  std::vector<shoal::session::torrent_status> all;
  leech.s->statuses(all);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, lid);
  // Stats events of an active torrent carry the same snapshot.
  ASSERT_TRUE(run_until([&] { return leech.count(kind::stats, lid) > 0; }));
  const auto stats = std::find_if(leech.events.begin(), leech.events.end(),
                                  [](const auto& e) { return e.type == kind::stats; });
  EXPECT_EQ(stats->status.id, lid);
  EXPECT_EQ(stats->status.total_bytes, file_size);

  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }));
  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);
}

// One upload slot (plus the optimistic one) for three leeches: one of them waits choked while the others are
// served, and gets its turn when a slot frees up; all three end with the right data.
TEST_F(Engine, OneUploadSlotServesThreeLeechesInTurn) {
  auto& seed = make_session();
  // Each leech paces its own download (a seed-side limit would be one bucket shared by all: it proves nothing about
  // who is unchoked), so a leech that gets nothing in a window is choked.
  const auto sid = add(seed, seed_options(0, 1));
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  std::vector<node*> leeches;
  std::vector<torrent_id> ids;
  for (int i = 0; i < 3; ++i) {
    auto& n = make_session();
    leeches.push_back(&n);
    auto o = leech_options(seed, "leech" + std::to_string(i));
    o.download_rate_limit = 128 * 1024;
    // Only the seed: leeches that learn each other (PEX) trade pieces, and a choked one is then fed anyway.
    o.max_peers = 1;
    ids.push_back(add(n, std::move(o)));
  }
  auto all_done = [&] {
    for (std::size_t i = 0; i < leeches.size(); ++i)
      if (leeches[i]->count(kind::completed, ids[i]) == 0) return false;
    return true;
  };
  // Sampled every half second while all three are connected: in some window two get data and one gets none.
  bool saw_one_choked = false;
  std::string samples;
  std::vector<std::uint64_t> before(leeches.size(), 0);
  auto next_sample = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(
      [&] {
        if (std::chrono::steady_clock::now() < next_sample) return false;
        next_sample += 500ms;
        std::size_t starving = 0, fed = 0;
        for (std::size_t i = 0; i < leeches.size(); ++i) {
          const auto got = leeches[i]->status(ids[i]).downloaded;
          (got == before[i] ? starving : fed) += 1;
          before[i] = got;
        }
        if (seed.status(sid).peers == 3 && fed == 2 && starving == 1) saw_one_choked = true;
        samples += std::to_string(seed.status(sid).peers) + " peers:";
        for (auto b : before) samples += " " + std::to_string(b);
        samples += "\n";
        return all_done();
      },
      60s));
  EXPECT_TRUE(saw_one_choked) << "never saw a leech wait for its turn with 1 slot + 1 optimistic for 3 leeches; "
                                 "seed's peers and each leech's bytes every 0.5 s:\n"
                              << samples;
  for (std::size_t i = 0; i < leeches.size(); ++i)
    EXPECT_EQ(read(dir / ("leech" + std::to_string(i)) / "movie.bin"), content_) << "leech " << i;
  // Three copies went out, from the seed or (the leeches learn each other by PEX) from a leech that had the piece.
  auto sent = [&] {
    std::uint64_t total = seed.status(sid).uploaded;
    for (std::size_t i = 0; i < leeches.size(); ++i) total += leeches[i]->status(ids[i]).uploaded;
    return total;
  };
  ASSERT_TRUE(run_until([&] { return sent() >= 3 * static_cast<std::uint64_t>(file_size); })) << sent();
}

// The seed pauses while blocks are in flight (the connections close mid-piece), then resumes: the leech keeps
// what it verified, dials again, and completes with the right bytes.
TEST_F(Engine, SeedPausedMidTransferThenResumedTheLeechStillCompletes) {
  transfer t;
  ASSERT_NO_FATAL_FAILURE(start_slow_transfer(t));
  auto& seed = *t.seed;
  auto& leech = *t.leech;
  const auto sid = t.sid, lid = t.lid;

  ASSERT_TRUE(seed.s->pause(sid));
  ASSERT_TRUE(run_until([&] { return seed.saw(sid, torrent_state::seeding, torrent_state::paused); }));
  EXPECT_EQ(seed.status(sid).state, torrent_state::paused);
  EXPECT_EQ(seed.status(sid).peers, 0u);
  ASSERT_TRUE(run_until([&] { return leech.status(lid).peers == 0; })) << "the leech never saw the seed go";
  const auto kept = leech.status(lid).pieces_have;
  EXPECT_EQ(leech.status(lid).state, torrent_state::downloading);
  EXPECT_EQ(leech.count(kind::completed, lid), 0u);

  shoal::session::torrent_limits unlimited;
  unlimited.upload_rate = 0;
  ASSERT_TRUE(seed.s->set_limits(sid, unlimited));
  ASSERT_TRUE(seed.s->resume(sid));
  // Checked before the pause, nothing changed since: straight back to seeding, no second check.
  ASSERT_TRUE(run_until([&] { return seed.saw(sid, torrent_state::paused, torrent_state::seeding); }));
  const auto seed_states = seed.transitions(sid);
  EXPECT_EQ(std::count(seed_states.begin(), seed_states.end(),
                       state_pair{torrent_state::queued_for_check, torrent_state::checking}),
            1);
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }, 40s));
  EXPECT_GE(leech.status(lid).pieces_have, kept);
  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);
}

// The seed's torrent is removed mid-transfer (its data kept), then added again as a new torrent: it is checked
// again and the leech completes from it.
TEST_F(Engine, SeedRemovedMidTransferThenAddedAgainTheLeechStillCompletes) {
  transfer t;
  ASSERT_NO_FATAL_FAILURE(start_slow_transfer(t));
  auto& seed = *t.seed;
  auto& leech = *t.leech;
  const auto sid = t.sid, lid = t.lid;

  ASSERT_TRUE(seed.s->remove(sid, false));
  EXPECT_FALSE(seed.s->status_of(sid).has_value());
  EXPECT_EQ(seed.s->torrent_count(), 0u);
  ASSERT_TRUE(run_until([&] { return seed.count(kind::removed, sid) == 1; }));
  const auto removed = std::find_if(seed.events.begin(), seed.events.end(),
                                    [](const auto& e) { return e.type == kind::removed; });
  EXPECT_FALSE(removed->data_deleted);
  EXPECT_EQ(read(dir / "seed" / "movie.bin"), content_);
  ASSERT_TRUE(run_until([&] { return leech.status(lid).peers == 0; }));
  EXPECT_FALSE(seed.s->pause(sid)) << "a removed torrent's id is unknown";

  const auto again = add(seed, seed_options());
  EXPECT_NE(again, sid) << "ids are never reused";
  ASSERT_TRUE(run_until([&] { return seed.saw(again, torrent_state::checking, torrent_state::seeding); }));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }, 40s));
  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);
}

// A leech driven through the whole runtime API: pause and resume mid-transfer, verify after completion (with a
// byte damaged on disk: that piece is fetched again), and remove with its data.
TEST_F(Engine, LeechPausedResumedVerifiedAndRemovedWithItsData) {
  transfer t;
  ASSERT_NO_FATAL_FAILURE(start_slow_transfer(t));
  auto& seed = *t.seed;
  auto& leech = *t.leech;
  const auto sid = t.sid, lid = t.lid;

  ASSERT_TRUE(leech.s->pause(lid));
  ASSERT_TRUE(run_until([&] { return leech.saw(lid, torrent_state::downloading, torrent_state::paused); }));
  auto paused = leech.status(lid);
  EXPECT_EQ(paused.state, torrent_state::paused);
  EXPECT_EQ(paused.peers, 0u);
  EXPECT_EQ(paused.download_rate, 0.0);
  EXPECT_GT(paused.verified_bytes, 0);
  EXPECT_FALSE(paused.finished);
  ASSERT_TRUE(run_until([&] { return seed.status(sid).peers == 0; })) << "the seed never saw the leech go";
  EXPECT_TRUE(leech.s->pause(lid)) << "pausing a paused torrent is a no-op, not an error";

  shoal::session::torrent_limits unlimited;
  unlimited.upload_rate = 0;
  ASSERT_TRUE(seed.s->set_limits(sid, unlimited));
  ASSERT_TRUE(leech.s->resume(lid));
  ASSERT_TRUE(run_until([&] { return leech.saw(lid, torrent_state::paused, torrent_state::downloading); }));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }));
  ASSERT_TRUE(run_until([&] { return state_is(leech, lid, torrent_state::seeding); }));
  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);
  EXPECT_GE(leech.status(lid).verified_bytes, paused.verified_bytes);

  // One byte of piece 3 damaged behind the engine's back: a verify finds it and the download fetches it again.
  {
    std::fstream f(dir / "leech" / "movie.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3 * piece_length + 17);
    f.put(static_cast<char>(content_[3 * piece_length + 17] ^ 0x5a));
  }
  leech.events.clear();
  ASSERT_TRUE(leech.s->verify(lid));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }));
  ASSERT_TRUE(run_until([&] { return state_is(leech, lid, torrent_state::seeding); }));
  EXPECT_EQ(leech.transitions(lid),
            (std::vector<state_pair>{{torrent_state::seeding, torrent_state::queued_for_check},
                                     {torrent_state::queued_for_check, torrent_state::checking},
                                     {torrent_state::checking, torrent_state::downloading},
                                     {torrent_state::downloading, torrent_state::seeding}}));
  std::vector<std::uint32_t> refetched;
  for (const auto& e : leech.events)
    if (e.type == kind::pieces_verified) refetched.insert(refetched.end(), e.pieces.begin(), e.pieces.end());
  EXPECT_EQ(refetched, std::vector<std::uint32_t>{3});
  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);

  ASSERT_TRUE(leech.s->remove(lid, true));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::removed, lid) == 1; }));
  const auto removed = std::find_if(leech.events.begin(), leech.events.end(),
                                    [](const auto& e) { return e.type == kind::removed; });
  EXPECT_TRUE(removed->data_deleted) << removed->message;
  EXPECT_FALSE(fs::exists(dir / "leech" / "movie.bin"));
  EXPECT_EQ(leech.s->torrent_count(), 0u);
  EXPECT_TRUE(fs::exists(dir / "seed" / "movie.bin")) << "only the removed torrent's files go";
}

// A pause after a piece's last block came and before its verdict (its hash runs on the pool, or it waits there for
// a second piece to be hashed with): the piece is fetched again after the resume, and the download completes.
TEST_F(Engine, PauseBetweenAPiecesLastBlockAndItsVerdictLosesNoPiece) {
  transfer t;
  ASSERT_NO_FATAL_FAILURE(start_slow_transfer(t));
  auto& seed = *t.seed;
  auto& leech = *t.leech;
  const auto sid = t.sid, lid = t.lid;
  // One handler at a time, so that the pause comes right after the one that took a whole piece's last block.
  const auto unverified_piece = [&] {
    const auto st = leech.status(lid);
    return st.downloaded >= static_cast<std::uint64_t>(st.verified_bytes) + static_cast<std::uint64_t>(piece_length);
  };
  const auto give_up = std::chrono::steady_clock::now() + wait_bound;
  while (!unverified_piece() && std::chrono::steady_clock::now() < give_up) {
    if (io_.stopped()) io_.restart();
    io_.run_one_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(unverified_piece()) << "no piece ever waited for its verdict";
  const auto before = leech.status(lid);
  ASSERT_LT(before.pieces_have, meta_.piece_count());
  ASSERT_TRUE(leech.s->pause(lid));
  ASSERT_TRUE(run_until([&] { return leech.saw(lid, torrent_state::downloading, torrent_state::paused); }));

  shoal::session::torrent_limits unlimited;
  unlimited.upload_rate = 0;
  ASSERT_TRUE(seed.s->set_limits(sid, unlimited));
  ASSERT_TRUE(leech.s->resume(lid));
  ASSERT_TRUE(run_until([&] { return leech.count(kind::completed, lid) == 1; }))
      << "stuck at " << leech.status(lid).pieces_have << " of " << meta_.piece_count() << " pieces";
  EXPECT_EQ(read(dir / "leech" / "movie.bin"), content_);
}

TEST_F(Engine, CommandsOnAnUnknownIdSaySoAndTheSameTorrentIsRefusedTwice) {
  auto& n = make_session();
  const auto sid = add(n, seed_options());
  auto again = n.s->add(meta_, seed_options());
  ASSERT_FALSE(again);
  EXPECT_NE(again.message().find("added already"), std::string::npos) << again.message();
  const torrent_id bogus = sid + 100;
  for (const auto& st : {n.s->pause(bogus), n.s->resume(bogus), n.s->verify(bogus), n.s->reannounce(bogus),
                         n.s->remove(bogus, true), n.s->set_limits(bogus, {})}) {
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("no torrent with id " + std::to_string(bogus)), std::string::npos) << st.message();
  }
  EXPECT_FALSE(n.s->status_of(bogus).has_value());
  EXPECT_TRUE(fs::exists(dir / "seed" / "movie.bin"));
}

// Added paused: nothing is checked until resume; the verify queue then takes it.
TEST_F(Engine, AddedPausedWaitsForResumeBeforeItsCheck) {
  auto& n = make_session();
  const auto sid = add(n, seed_options(), true);
  ASSERT_TRUE(run_until([&] { return !n.events.empty(); }));
  EXPECT_EQ(n.events.front().type, kind::added);
  EXPECT_EQ(n.events.front().to, torrent_state::paused);
  run_until([] { return false; }, 300ms);
  EXPECT_EQ(n.status(sid).state, torrent_state::paused);
  EXPECT_TRUE(n.transitions(sid).empty());
  ASSERT_TRUE(n.s->resume(sid));
  ASSERT_TRUE(run_until([&] { return state_is(n, sid, torrent_state::seeding); }));
  EXPECT_EQ(n.transitions(sid), (std::vector<state_pair>{{torrent_state::paused, torrent_state::queued_for_check},
                                                         {torrent_state::queued_for_check, torrent_state::checking},
                                                         {torrent_state::checking, torrent_state::seeding}}));
}

}  // namespace

// A seed-side upload limit is one bucket for the torrent: every unchoked peer must get its share of it. (Each
// connection once took a whole batch of blocks whenever it woke first, starving the others until it finished.)
TEST_F(Engine, AnUploadLimitIsSharedFairlyBetweenLeeches) {
  auto& seed = make_session();
  const auto sid = add(seed, seed_options(256 * 1024, 4));
  ASSERT_TRUE(run_until([&] { return state_is(seed, sid, torrent_state::seeding); }));
  std::vector<node*> leeches;
  std::vector<torrent_id> ids;
  for (int i = 0; i < 2; ++i) {
    auto& n = make_session();
    leeches.push_back(&n);
    ids.push_back(add(n, leech_options(seed, "leech" + std::to_string(i))));
  }
  auto got = [&](std::size_t i) { return leeches[i]->status(ids[i]).downloaded; };
  std::string samples;  // each leech's bytes every half second, for the failure message
  auto next_sample = std::chrono::steady_clock::now();
  auto completions = [&] { return leeches[0]->count(kind::completed, ids[0]) + leeches[1]->count(kind::completed, ids[1]); };
  ASSERT_TRUE(run_until(
      [&] {
        if (std::chrono::steady_clock::now() >= next_sample) {
          next_sample += 500ms;
          samples += std::to_string(got(0)) + " " + std::to_string(got(1)) + "\n";
        }
        return completions() > 0;
      },
      60s));
  const auto first = got(0) >= got(1) ? 0u : 1u;
  EXPECT_GE(got(1 - first), static_cast<std::uint64_t>(file_size) * 2 / 5)
      << "when leech " << first << " completed, the other had " << got(1 - first) << " of " << file_size
      << " bytes; both every 0.5 s:\n" << samples;
  ASSERT_TRUE(run_until([&] { return completions() == 2; }, 60s));
  for (std::size_t i = 0; i < leeches.size(); ++i)
    EXPECT_EQ(read(dir / ("leech" + std::to_string(i)) / "movie.bin"), content_) << "leech " << i;
}
