// Which existing files a leech may write into: the pure verdicts, and the record that marks Shoal's own files.
#include "shoal/storage/ownership.hpp"

#include <gtest/gtest.h>

#include "shoal/storage/ownership_record.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;

namespace {

// Pieces of 10 bytes: a.bin [0,25) in pieces 0-2, b.bin [25,30) only in piece 2, c.bin [30,50) in pieces 3-4.
metainfo three_files() { return make_torrent("t", {{"a.bin", 25}, {"b.bin", 5}, {"c.bin", 20}}, 10); }

bitfield pieces(std::initializer_list<int> set) {
  bitfield b(5);
  for (int p : set) b.set(static_cast<std::size_t>(p));
  return b;
}

found_file there(std::int64_t size, bool owned = false) { return {true, size, owned}; }

}  // namespace

TEST(JudgeExistingFiles, MissingFilesAreCreated) {
  const auto v = judge_existing_files(three_files(), {{}, {}, {}}, pieces({}), false);
  EXPECT_EQ(v, (std::vector{file_verdict::create, file_verdict::create, file_verdict::create}));
}

TEST(JudgeExistingFiles, OwnFilesResumeWhateverTheirData) {
  const auto v = judge_existing_files(three_files(), {there(25, true), there(0, true), there(99, true)}, pieces({}), false);
  EXPECT_EQ(v, (std::vector{file_verdict::resume, file_verdict::resume, file_verdict::resume}));
}

TEST(JudgeExistingFiles, StrangersFileNeedsOneVerifiedPieceTouchingIt) {
  const auto m = three_files();
  // Piece 2 spans a.bin and b.bin: it vouches for both.
  auto v = judge_existing_files(m, {there(25), there(5), there(20)}, pieces({2}), false);
  EXPECT_EQ(v, (std::vector{file_verdict::adopt, file_verdict::adopt, file_verdict::not_this_data}));
  v = judge_existing_files(m, {there(25), there(5), there(12)}, pieces({0, 4}), false);
  EXPECT_EQ(v, (std::vector{file_verdict::adopt, file_verdict::not_this_data, file_verdict::adopt}));
}

TEST(JudgeExistingFiles, EmptyStrangersFileIsAdoptedLongerOneRefused) {
  const auto v = judge_existing_files(three_files(), {there(0), there(6), there(21)}, pieces({0, 1, 2, 3, 4}), false);
  EXPECT_EQ(v, (std::vector{file_verdict::adopt, file_verdict::too_long, file_verdict::too_long}));
}

TEST(JudgeExistingFiles, OverwriteTakesEverything) {
  const auto v = judge_existing_files(three_files(), {there(99), there(5), {}}, pieces({}), true);
  EXPECT_EQ(v, (std::vector{file_verdict::resume, file_verdict::resume, file_verdict::create}));
}

TEST(JudgeExistingFiles, PadFilesAreNeverJudged) {
  const auto m = make_torrent("t", {{"a", 10}, {".pad/6", 6, true}, {"b", 4}}, 16);
  const auto v = judge_existing_files(m, {there(10), there(99), {}}, pieces({}), false);
  EXPECT_EQ(v[1], file_verdict::create);
  EXPECT_EQ(v[0], file_verdict::not_this_data);
}

TEST(RefusalMessage, OneLineNamingTheFileAndTheWayOut) {
  const auto m = three_files();
  const std::vector<found_file> found{there(25), there(6), there(20)};
  const auto v = judge_existing_files(m, found, pieces({}), false);
  const auto line = refusal_message(m, found, v, "out");
  EXPECT_EQ(line,
            "out/t/a.bin exists and is not this torrent's: none of its 3 pieces match (25 bytes) (and 2 more such "
            "files); refusing to write into it: move it away, or use --overwrite to replace it");
  const std::vector<found_file> longer{{}, there(6), {}};
  EXPECT_EQ(refusal_message(m, longer, judge_existing_files(m, longer, pieces({}), false), "out/"),
            "out/t/b.bin exists and is not this torrent's: it has 6 bytes, the torrent's file 5 (it would be cut); "
            "refusing to write into it: move it away, or use --overwrite to replace it");
  EXPECT_EQ(refusal_message(m, {{}, {}, {}}, judge_existing_files(m, {{}, {}, {}}, pieces({}), false), "out"), "");
}

class OwnershipRecord : public scratch_dir {};

TEST_F(OwnershipRecord, RecordsEveryFileAndIsForgotten) {
  const auto m = three_files();
  std::filesystem::create_directories(root);
  EXPECT_EQ(read_ownership_record(root, m), std::vector<bool>(3, false));
  ASSERT_TRUE(write_ownership_record(root, m));
  EXPECT_EQ(read_ownership_record(root, m), std::vector<bool>(3, true));
  EXPECT_EQ(ownership_record_path(root, m).filename().string(), ".shoal-" + m.info_hash_hex() + ".owned");
  // Another torrent's record says nothing about this one.
  auto other = m;
  other.info_hash.bytes[0] ^= 1;
  std::filesystem::copy_file(ownership_record_path(root, m), ownership_record_path(root, other));
  EXPECT_EQ(read_ownership_record(root, other), std::vector<bool>(3, false));
  ASSERT_TRUE(remove_ownership_record(root, m));
  EXPECT_FALSE(std::filesystem::exists(ownership_record_path(root, m)));
  EXPECT_TRUE(remove_ownership_record(root, m));  // already gone: fine
}

TEST_F(OwnershipRecord, FindExistingFilesSizesWithoutCreating) {
  const auto m = three_files();
  auto none = find_existing_files(root, m);  // no folder at all
  ASSERT_TRUE(none) << none.message();
  EXPECT_FALSE((*none)[0].exists);
  std::filesystem::create_directories(root / "t");
  std::ofstream(root / "t" / "b.bin") << "123";
  ASSERT_TRUE(write_ownership_record(root, m));
  auto found = find_existing_files(root, m);
  ASSERT_TRUE(found) << found.message();
  EXPECT_FALSE((*found)[0].exists);
  EXPECT_TRUE((*found)[1].exists);
  EXPECT_EQ((*found)[1].size, 3);
  EXPECT_TRUE((*found)[1].owned);
  EXPECT_FALSE(std::filesystem::exists(root / "t" / "a.bin"));
  std::filesystem::create_symlink("/etc/passwd", root / "t" / "c.bin");
  auto linked = find_existing_files(root, m);
  ASSERT_FALSE(linked);
  EXPECT_NE(linked.message().find("symbolic link"), std::string::npos) << linked.message();
}
