// Resume and seed checks: what open_and_check finds on disk, and that it never destroys verified data.
#include "shoal/session/data_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "shoal/hash/sha1.hpp"
#include "shoal/storage/ownership_record.hpp"

namespace fs = std::filesystem;
using shoal::metainfo;
using shoal::session::check_options;
using shoal::session::open_and_check;

namespace {

shoal::result<shoal::session::checked_data> check(const metainfo& m, const fs::path& root, const check_options& o) {
  shoal::check_control progress;
  return open_and_check(m, root, o, progress);
}


constexpr std::int64_t piece_length = 16 * 1024;

check_options seed_opts(int threads = 2) {
  check_options o;
  o.seed_only = true;
  o.threads = threads;
  return o;
}

check_options leech_opts(bool overwrite = false) {
  check_options o;
  o.overwrite = overwrite;
  o.preallocate = true;
  return o;
}

class DataCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("shoal-data-check-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    std::mt19937 rng(7);
    content_.resize(5 * piece_length + 1000);
    for (auto& c : content_) c = static_cast<char>(rng());
    write("data/f.bin", content_);
    std::string pieces;
    for (std::size_t off = 0; off < content_.size(); off += piece_length)
      pieces += shoal::sha1(std::string_view(content_).substr(off, piece_length)).str();
    const std::string info = "d6:lengthi" + std::to_string(content_.size()) + "e4:name5:f.bin12:piece lengthi" +
                             std::to_string(piece_length) + "e6:pieces" + std::to_string(pieces.size()) + ":" + pieces +
                             "e";
    auto m = shoal::parse_metainfo("d4:info" + info + "e");
    ASSERT_TRUE(m) << m.message();
    meta_ = *m;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& bytes) {
    std::ofstream(dir_ / rel, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::string read(const std::string& rel) {
    std::ifstream in(dir_ / rel, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  fs::path dir_;
  std::string content_;
  metainfo meta_;
};

TEST_F(DataCheck, SeedAcceptsCompleteData) {
  auto r = check(meta_, dir_ / "data", seed_opts());
  ASSERT_TRUE(r) << r.message();
  EXPECT_TRUE(r->have.all());
}

TEST_F(DataCheck, SeedNamesTheMissingFile) {
  fs::remove(dir_ / "data" / "f.bin");
  auto r = check(meta_, dir_ / "data", seed_opts());
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("missing file"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("f.bin"), std::string::npos) << r.message();
}

TEST_F(DataCheck, SeedNamesTheFirstBadPiece) {
  auto bad = content_;
  bad[2 * piece_length + 5] ^= 1;
  bad[4 * piece_length] ^= 1;
  write("data/f.bin", bad);
  auto r = check(meta_, dir_ / "data", seed_opts());
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("piece 2 does not match"), std::string::npos) << r.message();
}

TEST_F(DataCheck, LeechResumesKeepingEveryVerifiedPiece) {
  auto partial = content_;
  partial[2 * piece_length + 5] ^= 1;  // an unverified piece: fetched again
  write("data/f.bin", partial);
  auto r = check(meta_, dir_ / "data", leech_opts());
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->have.count(), 5u);
  EXPECT_FALSE(r->have.get(2));
  EXPECT_EQ(read("data/f.bin"), partial);  // opening for writing changed nothing
}

TEST_F(DataCheck, LeechStartsFromNothingAndCreatesTheFile) {
  fs::remove(dir_ / "data" / "f.bin");
  auto r = check(meta_, dir_ / "out", leech_opts());
  ASSERT_TRUE(r) << r.message();
  EXPECT_TRUE(r->have.none());
  EXPECT_EQ(fs::file_size(dir_ / "out" / "f.bin"), content_.size());
}

TEST_F(DataCheck, ContentMayBeNamedDifferently) {
  fs::rename(dir_ / "data" / "f.bin", dir_ / "data" / "renamed.bin");
  auto renamed = shoal::session::with_content_name(meta_, "renamed.bin");
  auto r = check(renamed, dir_ / "data", seed_opts(1));
  ASSERT_TRUE(r) << r.message();
  EXPECT_TRUE(r->have.all());
}

TEST_F(DataCheck, LeechRefusesAFileThatIsNotTheTorrentsData) {
  const std::string notes(content_.size(), 'n');  // right length, no piece verifies
  write("data/f.bin", notes);
  auto r = check(meta_, dir_ / "data", leech_opts());
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("f.bin"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("--overwrite"), std::string::npos) << r.message();
  EXPECT_EQ(r.message().find('\n'), std::string::npos) << r.message();
  EXPECT_EQ(read("data/f.bin"), notes);
  EXPECT_FALSE(fs::exists(shoal::ownership_record_path(dir_ / "data", meta_)));
}

TEST_F(DataCheck, LeechRefusesALongerFileEvenIfItsPiecesVerify) {
  write("data/f.bin", content_ + "tail");
  auto r = check(meta_, dir_ / "data", leech_opts());
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("would be cut"), std::string::npos) << r.message();
  EXPECT_EQ(read("data/f.bin"), content_ + "tail");
}

TEST_F(DataCheck, LeechAdoptsAndExtendsAShorterFileWhosePiecesVerify) {
  write("data/f.bin", content_.substr(0, 2 * piece_length + 10));  // another client's partial download
  auto r = check(meta_, dir_ / "data", leech_opts());
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->have.count(), 2u);
  EXPECT_EQ(fs::file_size(dir_ / "data" / "f.bin"), content_.size());
  EXPECT_EQ(read("data/f.bin").substr(0, 2 * piece_length + 10), content_.substr(0, 2 * piece_length + 10));
  EXPECT_TRUE(fs::exists(shoal::ownership_record_path(dir_ / "data", meta_)));
}

TEST_F(DataCheck, LeechResumesItsOwnFileWithNoVerifiedPiece) {
  fs::remove(dir_ / "data" / "f.bin");
  ASSERT_TRUE(check(meta_, dir_ / "out", leech_opts()));  // created (preallocated), then "killed"
  write("out/f.bin", std::string(content_.size(), 'x'));            // half-written blocks, nothing verifies
  auto r = check(meta_, dir_ / "out", leech_opts());
  ASSERT_TRUE(r) << r.message();
  EXPECT_TRUE(r->have.none());
  shoal::session::forget_ownership(meta_, dir_ / "out");  // complete: a later run judges the file by its data
  auto again = check(meta_, dir_ / "out", leech_opts());
  EXPECT_FALSE(again);
}

TEST_F(DataCheck, LeechOverwriteReplacesAStrangersFile) {
  write("data/f.bin", content_ + std::string(100, 'n'));
  auto r = check(meta_, dir_ / "data", leech_opts(true));
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(fs::file_size(dir_ / "data" / "f.bin"), content_.size());
  EXPECT_TRUE(r->have.all());  // cut to length, the data it held is the torrent's
}

TEST_F(DataCheck, ProgressReachesTheTotal) {
  shoal::check_control progress;
  auto r = open_and_check(meta_, dir_ / "data", seed_opts(), progress);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(progress.bytes_done.load(), meta_.total_length);
}

TEST_F(DataCheck, RecheckOnlyHashes) {
  auto first = check(meta_, dir_ / "data", seed_opts());
  ASSERT_TRUE(first) << first.message();
  EXPECT_TRUE(first->store.has_value());
  auto o = seed_opts();
  o.recheck = true;
  auto again = check(meta_, dir_ / "data", o);
  ASSERT_TRUE(again) << again.message();
  EXPECT_FALSE(again->store.has_value());
  EXPECT_TRUE(again->have.all());
}

TEST_F(DataCheck, CancelledCheckSaysSo) {
  shoal::check_control progress;
  progress.cancelled = true;
  auto r = open_and_check(meta_, dir_ / "data", seed_opts(), progress);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("cancelled"), std::string::npos) << r.message();
}

}  // namespace
