#include "shoal/storage/resume_data.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"
#include "fixtures.hpp"

namespace shoal {
namespace {

using test::file_spec;

class ResumeData : public test::scratch_dir {
 protected:
  metainfo m = test::make_torrent("set", {{"a.bin", 40000}, {"pad", 9152, true}, {"b/c.bin", 30000}}, 16384);

  resume_data sample() {
    resume_data r;
    r.info_hash = m.info_hash;
    r.pieces = bitfield(static_cast<std::size_t>(m.piece_count()));
    r.pieces.set(0);
    r.pieces.set(4);
    r.files = {{40000, 1700000000123456789}, {-1, -1}, {30000, 1700000000987654321}};
    r.root = "/srv/data";
    r.added_at = 1700000000;
    r.completed_at = 0;
    r.uploaded = 5;
    r.downloaded = 16384 * 2;
    r.paused = true;
    r.download_rate_limit = 1 << 20;
    r.max_peers = 30;
    return r;
  }

  void write(const std::string& rel, std::size_t n) {
    std::filesystem::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << std::string(n, 'x');
  }
};

TEST_F(ResumeData, RoundTrips) {
  const auto r = sample();
  auto back = decode_resume(encode_resume(r), m);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->pieces, r.pieces);
  EXPECT_EQ(back->files, r.files);
  EXPECT_EQ(back->root, r.root);
  EXPECT_EQ(back->added_at, r.added_at);
  EXPECT_EQ(back->downloaded, r.downloaded);
  EXPECT_TRUE(back->paused);
  EXPECT_EQ(back->download_rate_limit, r.download_rate_limit);
  EXPECT_EQ(back->max_peers, 30u);
}

TEST_F(ResumeData, RefusesAnotherTorrentsData) {
  auto other = m;
  other.info_hash = sha1("another torrent");
  auto r = decode_resume(encode_resume(sample()), other);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("info-hash"), std::string::npos) << r.message();
}

TEST_F(ResumeData, ErrorsNameTheField) {
  auto with = [&](const std::string& key, bencode::value v) {
    auto d = bencode::decode(encode_resume(sample()))->as_dict();
    d[key] = std::move(v);
    auto r = decode_resume(bencode::encode(bencode::value(std::move(d))), m);
    EXPECT_FALSE(r) << key;
    return r ? std::string() : r.message();
  };
  EXPECT_NE(with("pieces", "\xff").find("\"pieces\""), std::string::npos);
  EXPECT_NE(with("piece-count", 99).find("\"piece-count\""), std::string::npos);
  EXPECT_NE(with("files", bencode::list{}).find("\"files\""), std::string::npos);
  EXPECT_NE(with("files", bencode::list{1, 2, 3}).find("\"files\"[0]"), std::string::npos);
  EXPECT_NE(with("uploaded", -1).find("\"uploaded\""), std::string::npos);
  EXPECT_NE(with("root", 5).find("\"root\""), std::string::npos);
  EXPECT_FALSE(decode_resume("garbage", m));
  EXPECT_FALSE(decode_resume("le", m));
}

TEST_F(ResumeData, StampsSeeSizeAndTimeChanges) {
  write("set/a.bin", 40000);
  write("set/b/c.bin", 30000);
  auto r = sample();
  r.files = stamp_files(m, root);
  EXPECT_EQ(r.files[0].size, 40000);
  EXPECT_EQ(r.files[1], file_stamp{});  // the pad file is never on disk
  EXPECT_TRUE(stamps_match(r, stamp_files(m, root)));
  write("set/b/c.bin", 29999);  // another size
  EXPECT_FALSE(stamps_match(r, stamp_files(m, root)));
  write("set/b/c.bin", 30000);
  std::filesystem::last_write_time(root / "set/b/c.bin", std::filesystem::file_time_type::clock::now() +
                                                             std::chrono::seconds(5));
  EXPECT_FALSE(stamps_match(r, stamp_files(m, root)));  // same size, touched
  std::filesystem::remove(root / "set/a.bin");
  EXPECT_EQ(stamp_files(m, root)[0], file_stamp{});
}

}  // namespace
}  // namespace shoal
