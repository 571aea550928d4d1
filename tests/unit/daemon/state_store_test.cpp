#include "shoal/daemon/state_store.hpp"

#include <fstream>

#include "fixtures.hpp"

namespace shoal::daemon {
namespace {

using state_store_test = test::scratch_dir;
namespace fs = std::filesystem;

// A .torrent's bytes and what it parses to.
struct sample {
  std::string bytes;
  metainfo meta;
};

sample make_sample(std::string name, std::int64_t length = 100) {
  auto info = test::single_info(length, 64);
  info["name"] = std::move(name);
  sample s;
  s.bytes = test::torrent(info);
  auto m = parse_metainfo(s.bytes);
  EXPECT_TRUE(m) << m.message();
  s.meta = *m;
  return s;
}

resume_data resume_for(const metainfo& m) {
  resume_data r;
  r.info_hash = m.info_hash;
  r.pieces = bitfield(static_cast<std::size_t>(m.piece_count()));
  r.pieces.set(0);
  r.files.assign(m.files.size(), file_stamp{10, 20});
  r.root = "/srv/dl";
  r.uploaded = 77;
  r.download_rate_limit = 5000;
  r.max_peers = 9;
  return r;
}

TEST_F(state_store_test, saves_and_loads_torrents_with_their_resume) {
  state_store st(dir / "state");
  ASSERT_TRUE(st.open());
  auto a = make_sample("a.bin"), b = make_sample("b.bin");
  ASSERT_TRUE(st.save_torrent(a.meta.info_hash, a.bytes));
  ASSERT_TRUE(st.save_torrent(b.meta.info_hash, b.bytes));
  ASSERT_TRUE(st.save_resume(resume_for(a.meta)));
  EXPECT_TRUE(fs::exists(dir / "state" / "torrents" / (a.meta.info_hash.hex() + ".torrent")));
  EXPECT_TRUE(fs::exists(dir / "state" / "torrents" / (a.meta.info_hash.hex() + ".resume")));

  auto loaded = st.load_all();
  EXPECT_TRUE(loaded.problems.empty());
  ASSERT_EQ(loaded.torrents.size(), 2u);
  for (const auto& t : loaded.torrents) {
    if (t.meta.info_hash == a.meta.info_hash) {
      ASSERT_TRUE(t.resume);
      EXPECT_EQ(t.resume->uploaded, 77u);
      EXPECT_TRUE(t.resume->pieces.get(0));
      EXPECT_EQ(t.torrent_file, st.torrent_path(a.meta.info_hash));
    } else {
      EXPECT_EQ(t.meta.info_hash, b.meta.info_hash);
      EXPECT_FALSE(t.resume);  // none saved: a full check, and no problem to report
      EXPECT_TRUE(t.resume_problem.empty());
    }
  }
  ASSERT_TRUE(st.remove(a.meta.info_hash));
  EXPECT_FALSE(fs::exists(st.torrent_path(a.meta.info_hash)));
  EXPECT_FALSE(fs::exists(st.resume_path(a.meta.info_hash)));
  EXPECT_TRUE(st.remove(a.meta.info_hash)) << "removing what is gone already is no error";
  EXPECT_EQ(st.load_all().torrents.size(), 1u);
}

TEST_F(state_store_test, a_corrupt_resume_costs_a_check_not_the_torrent) {
  state_store st(dir / "state");
  ASSERT_TRUE(st.open());
  auto a = make_sample("a.bin");
  ASSERT_TRUE(st.save_torrent(a.meta.info_hash, a.bytes));
  { std::ofstream(st.resume_path(a.meta.info_hash), std::ios::binary) << "d5:junk"; }
  auto loaded = st.load_all();
  ASSERT_EQ(loaded.torrents.size(), 1u);
  EXPECT_FALSE(loaded.torrents[0].resume);
  EXPECT_NE(loaded.torrents[0].resume_problem.find(".resume"), std::string::npos) << loaded.torrents[0].resume_problem;
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_NE(loaded.problems[0].find("checked in full"), std::string::npos);
  // A resume of another torrent's shape (wrong piece count) is refused the same way.
  auto other = make_sample("other.bin", 1000);
  auto r = resume_for(other.meta);
  r.info_hash = a.meta.info_hash;
  ASSERT_TRUE(st.save_resume(r));
  loaded = st.load_all();
  ASSERT_EQ(loaded.torrents.size(), 1u);
  EXPECT_FALSE(loaded.torrents[0].resume);
}

TEST_F(state_store_test, a_corrupt_torrent_is_reported_set_aside_and_skipped) {
  state_store st(dir / "state");
  ASSERT_TRUE(st.open());
  auto a = make_sample("a.bin"), b = make_sample("b.bin");
  ASSERT_TRUE(st.save_torrent(a.meta.info_hash, a.bytes));
  ASSERT_TRUE(st.save_torrent(b.meta.info_hash, "d4:infoi3ee"));  // not a torrent
  // A valid torrent under another torrent's name.
  auto c = make_sample("c.bin");
  { std::ofstream(st.folder() / (std::string(40, 'a') + ".torrent"), std::ios::binary) << c.bytes; }
  auto loaded = st.load_all();
  ASSERT_EQ(loaded.torrents.size(), 1u);
  EXPECT_EQ(loaded.torrents[0].meta.info_hash, a.meta.info_hash);
  ASSERT_EQ(loaded.problems.size(), 2u);
  for (const auto& p : loaded.problems) EXPECT_NE(p.find("renamed to"), std::string::npos) << p;
  EXPECT_TRUE(fs::exists(st.folder() / (b.meta.info_hash.hex() + ".torrent.corrupt")));
  EXPECT_FALSE(fs::exists(st.torrent_path(b.meta.info_hash)));
  EXPECT_EQ(st.load_all().problems.size(), 0u) << "set aside once, not reported on every start";
}

TEST_F(state_store_test, update_writes_only_what_changed) {
  state_store st(dir / "state");
  ASSERT_TRUE(st.open());
  auto a = make_sample("a.bin");
  auto r = resume_for(a.meta);
  auto first = st.update_resume(r);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  const auto time_before = fs::last_write_time(st.resume_path(a.meta.info_hash));
  auto same = st.update_resume(r);
  ASSERT_TRUE(same);
  EXPECT_FALSE(*same);
  EXPECT_EQ(fs::last_write_time(st.resume_path(a.meta.info_hash)), time_before);
  r.uploaded += 1;
  auto changed = st.update_resume(r);
  ASSERT_TRUE(changed);
  EXPECT_TRUE(*changed);
  auto loaded = st.load_all();
  ASSERT_EQ(loaded.torrents.size(), 0u) << "a resume without its .torrent is no torrent";
}

TEST_F(state_store_test, no_folder_yet_is_no_torrent) {
  state_store st(dir / "never");
  auto loaded = st.load_all();
  EXPECT_TRUE(loaded.torrents.empty());
  EXPECT_TRUE(loaded.problems.empty());
}

TEST(apply_resume, options_come_back_from_the_resume) {
  session::torrent_options o;
  o.root = "/default";
  o.max_peers = 50;
  apply_resume(o, std::nullopt);
  EXPECT_EQ(o.root, "/default");
  EXPECT_FALSE(o.resume);
  metainfo m;
  m.piece_length = 64;
  m.total_length = 100;
  m.piece_hashes = std::string(40, 'h');
  file_entry f;
  f.components = {"x"};
  f.length = 100;
  m.files.push_back(f);
  apply_resume(o, resume_for(m));
  EXPECT_EQ(o.root, "/srv/dl");
  EXPECT_EQ(o.download_rate_limit, 5000u);
  EXPECT_EQ(o.upload_rate_limit, 0u);
  EXPECT_EQ(o.max_peers, 9u);
  ASSERT_TRUE(o.resume);
  EXPECT_EQ(o.resume->uploaded, 77u);
}

TEST_F(state_store_test, keeps_a_magnet_until_its_torrent_is_there) {
  state_store st(dir / "state");
  ASSERT_TRUE(st.open());
  auto a = make_sample("a.bin");
  const std::string uri = "magnet:?xt=urn:btih:" + a.meta.info_hash.hex() + "&dn=The%20A";
  ASSERT_TRUE(st.save_magnet(a.meta.info_hash, uri));
  // A resume saved before the metadata: a folder, paused, no pieces, no files.
  resume_data r;
  r.info_hash = a.meta.info_hash;
  r.root = "/srv/magnets";
  r.paused = true;
  r.added_at = 1234;
  ASSERT_TRUE(st.save_resume(r));

  auto loaded = st.load_all();
  EXPECT_TRUE(loaded.problems.empty());
  EXPECT_TRUE(loaded.torrents.empty());
  ASSERT_EQ(loaded.magnets.size(), 1u);
  EXPECT_EQ(loaded.magnets[0].info_hash, a.meta.info_hash);
  EXPECT_EQ(loaded.magnets[0].uri, uri);
  ASSERT_TRUE(loaded.magnets[0].resume);
  EXPECT_EQ(loaded.magnets[0].resume->root, "/srv/magnets");
  EXPECT_TRUE(loaded.magnets[0].resume->paused);
  EXPECT_EQ(loaded.magnets[0].resume->added_at, 1234);

  // The metadata arrived (the .torrent written) but the magnet was not removed yet: the torrent wins.
  ASSERT_TRUE(st.save_torrent(a.meta.info_hash, a.bytes));
  loaded = st.load_all();
  EXPECT_TRUE(loaded.magnets.empty());
  ASSERT_EQ(loaded.torrents.size(), 1u);
  EXPECT_FALSE(fs::exists(st.magnet_path(a.meta.info_hash)));

  // remove() takes every file of the torrent.
  ASSERT_TRUE(st.save_magnet(a.meta.info_hash, uri));
  ASSERT_TRUE(st.remove(a.meta.info_hash));
  EXPECT_TRUE(fs::is_empty(st.folder()));
}

TEST_F(state_store_test, sets_aside_a_magnet_file_that_is_not_its_name) {
  state_store st(dir / "state");
  ASSERT_TRUE(st.open());
  auto a = make_sample("a.bin"), b = make_sample("b.bin");
  ASSERT_TRUE(st.save_magnet(a.meta.info_hash, "magnet:?xt=urn:btih:" + b.meta.info_hash.hex()));
  {
    std::ofstream(st.magnet_path(b.meta.info_hash)) << "magnet:?dn=no-hash";
  }
  auto loaded = st.load_all();
  EXPECT_TRUE(loaded.magnets.empty());
  ASSERT_EQ(loaded.problems.size(), 2u);
  EXPECT_NE(loaded.problems[0].find(".magnet.corrupt"), std::string::npos) << loaded.problems[0];
  EXPECT_TRUE(fs::exists(dir / "state" / "torrents" / (a.meta.info_hash.hex() + ".magnet.corrupt")));
  EXPECT_TRUE(fs::exists(dir / "state" / "torrents" / (b.meta.info_hash.hex() + ".magnet.corrupt")));
}

}  // namespace
}  // namespace shoal::daemon
