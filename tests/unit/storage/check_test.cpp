#include "shoal/storage/check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "shoal/storage/storage.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;
namespace fs = std::filesystem;

namespace {

using check_test = scratch_dir;

const std::vector<file_spec> files{{"a", 20}, {".pad/12", 12, true}, {"sub/b", 40}, {"c", 9}};

std::string pieces_of(const bitfield& b) {
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) s += b.get(i) ? '1' : '0';
  return s;
}

void write_pieces(const metainfo& m, const fs::path& root, std::initializer_list<int> pieces) {
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  const auto data = content_of(files);
  for (int p : pieces) {
    const auto at = static_cast<std::size_t>(p * m.piece_length);
    ASSERT_TRUE(st->write(p, 0, bytes_of(std::string_view(data).substr(at, static_cast<std::size_t>(m.piece_size(p))))));
  }
}

}  // namespace

// 81 bytes in pieces of 16: a=[0,20) pad=[20,32) b=[32,72) c=[72,81).
TEST_F(check_test, PartialDataAndProgress) {
  const auto m = make_torrent("t", files, 16);
  ASSERT_EQ(m.piece_count(), 6);
  write_pieces(m, root, {0, 1, 3, 5});
  std::mutex mu;
  std::vector<int> seen;
  auto have = check_existing(m, root, 3, [&](int done, int total) {
    std::lock_guard lock(mu);
    EXPECT_EQ(total, 6);
    seen.push_back(done);
  });
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "110101");
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5, 6}));
}

TEST_F(check_test, CorruptPieceMissing) {
  const auto m = make_torrent("t", files, 16);
  write_pieces(m, root, {0, 1, 2, 3, 4, 5});
  {
    std::fstream f(root / "t/sub/b", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(17);  // torrent byte 49: piece 3
    f.put('!');
  }
  auto have = check_existing(m, root, 2);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "111011");
}

TEST_F(check_test, TruncatedAndMissingFiles) {
  const auto m = make_torrent("t", files, 16);
  write_pieces(m, root, {0, 1, 2, 3, 4, 5});
  fs::resize_file(root / "t/sub/b", 20);  // b keeps torrent bytes [32,52): piece 2 only
  auto have = check_existing(m, root, 4);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "111001");
  fs::remove(root / "t/a");
  have = check_existing(m, root, 1);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "001001");
  fs::remove_all(root / "t/sub");
  have = check_existing(m, root, 1);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "000001");
}

// Pieces are hashed two at a time: each lane is judged alone. One thread pairs (0,1) (2,3) (4,5) (6,-): a corrupt
// piece beside a good one, a piece cut short beside one gone, and a short last piece on its own. Pieces of 64 KiB
// read in chunks of 64 KiB, so the lanes run interleaved (sha1_pair) wherever both read.
TEST_F(check_test, PairedLanesJudgeEachPieceAlone) {
  constexpr std::int64_t piece = 1 << 16;
  const std::vector<file_spec> one{{"", 6 * piece + piece / 2}};
  const auto m = make_torrent("big", one, piece);
  ASSERT_EQ(m.piece_count(), 7);
  {
    auto st = storage::open(m, root, storage::open_mode::create);
    ASSERT_TRUE(st) << st.message();
    const auto data = content_of(one);
    for (int p = 0; p < m.piece_count(); ++p)
      ASSERT_TRUE(st->write(p, 0, bytes_of(std::string_view(data).substr(static_cast<std::size_t>(p * piece),
                                                                         static_cast<std::size_t>(m.piece_size(p))))));
  }
  auto have = check_existing(m, root, 1);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "1111111");
  {
    std::fstream f(root / "big", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2 * piece + 4097);
    f.put('!');
  }
  have = check_existing(m, root, 1);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "1101111");
  fs::resize_file(root / "big", 5 * piece - 100);  // piece 4 cut short, 5 and 6 gone
  have = check_existing(m, root, 1);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "1101000");
  have = check_existing(m, root, 2);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "1101000");
}

TEST_F(check_test, MissingRootIsNothing) {
  const auto m = make_torrent("t", files, 16);
  int calls = 0;
  auto have = check_existing(m, dir / "nowhere", 2, [&](int, int) { ++calls; });
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(have->size(), 6u);
  EXPECT_TRUE(have->none());
  EXPECT_FALSE(fs::exists(dir / "nowhere"));  // checking never creates anything
}

TEST_F(check_test, ResumeThenComplete) {
  const auto m = make_torrent("t", files, 16);
  write_pieces(m, root, {1, 4});
  auto have = check_existing(m, root, 2);
  ASSERT_TRUE(have);
  EXPECT_EQ(pieces_of(*have), "010010");
  // Resuming: reopening in create mode keeps what is there; the missing pieces complete it.
  write_pieces(m, root, {0, 2, 3, 5});
  have = check_existing(m, root, 2);
  ASSERT_TRUE(have);
  EXPECT_TRUE(have->all());
  auto seed = storage::open(m, root, storage::open_mode::read_only);
  ASSERT_TRUE(seed) << seed.message();
  EXPECT_EQ(read_file(root / "t/c"), content_of(files).substr(72));
}

TEST_F(check_test, MoreThreadsThanPiecesAndBigPieces) {
  const std::vector<file_spec> big{{"x", 600 * 1024}, {"y", 100}};
  const auto m = make_torrent("big", big, 512 * 1024);  // pieces larger than a check buffer
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st);
  const auto data = content_of(big);
  ASSERT_TRUE(st->write(0, 0, bytes_of(std::string_view(data).substr(0, 512 * 1024))));
  auto have = check_existing(m, root, 16);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "10");
}

namespace {

// One file of `pieces` zero pieces (sparse: cheap to make, real to read), every piece hash right.
metainfo zero_torrent(const fs::path& root, std::int64_t piece_length, int pieces) {
  metainfo m;
  m.name = "zeros";
  m.piece_length = piece_length;
  m.total_length = piece_length * pieces;
  file_entry f;
  f.components = {"zeros"};
  f.length = m.total_length;
  m.files.push_back(f);
  const std::string zeros(static_cast<std::size_t>(piece_length), '\0');
  const std::string digest = sha1(zeros).str();
  for (int i = 0; i < pieces; ++i) m.piece_hashes += digest;
  fs::create_directories(root);
  std::ofstream(root / "zeros").close();
  fs::resize_file(root / "zeros", static_cast<std::uintmax_t>(m.total_length));
  return m;
}

}  // namespace

TEST_F(check_test, ControlCountsBytesUpToTheTotal) {
  const auto m = make_torrent("t", files, 16);
  write_pieces(m, root, {0, 1, 3, 5});
  check_control control;
  auto have = check_existing(m, root, 2, control);
  ASSERT_TRUE(have) << have.message();
  EXPECT_EQ(pieces_of(*have), "110101");
  EXPECT_EQ(control.bytes_done.load(), m.total_length);  // missing pieces count as checked too
}

TEST_F(check_test, CancelledBeforeStartChecksNothing) {
  const auto m = zero_torrent(root, 1 << 16, 64);
  check_control control;
  control.cancelled = true;
  auto have = check_existing(m, root, 2, control);
  ASSERT_FALSE(have);
  EXPECT_EQ(have.code(), error_code::cancelled);
  EXPECT_NE(have.message().find("cancelled"), std::string::npos) << have.message();
  EXPECT_EQ(control.bytes_done.load(), 0);
}

// Cancelled from another thread while the check runs: each thread stops within the two pieces it hashes at once.
TEST_F(check_test, CancelledMidwayStopsWithinTwoPiecesPerThread) {
  constexpr std::int64_t piece = 1 << 20;
  constexpr int threads = 2;
  const auto m = zero_torrent(root, piece, 256);
  check_control control;
  std::int64_t at_cancel = 0;
  std::thread canceller([&] {
    while (control.bytes_done.load() == 0) std::this_thread::yield();
    at_cancel = control.bytes_done.load();
    control.cancelled = true;
  });
  auto have = check_existing(m, root, threads, control);
  canceller.join();
  ASSERT_FALSE(have) << "the check finished before it was cancelled";
  EXPECT_EQ(have.code(), error_code::cancelled);
  EXPECT_LE(control.bytes_done.load(), at_cancel + threads * 2 * piece);
  EXPECT_LT(control.bytes_done.load(), m.total_length);
}

// Cut while being checked: the pieces past the cut are missing; no error, no crash.
TEST_F(check_test, FileTruncatedWhileCheckingLeavesItsTailMissing) {
  constexpr std::int64_t piece = 1 << 20;
  const auto m = zero_torrent(root, piece, 128);
  check_control control;
  std::thread cutter([&] {
    while (control.bytes_done.load() == 0) std::this_thread::yield();
    fs::resize_file(root / "zeros", 8 * piece);
  });
  auto have = check_existing(m, root, 2, control);
  cutter.join();
  ASSERT_TRUE(have) << have.message();
  EXPECT_TRUE(have->get(0));
  for (std::size_t i = 8; i < have->size(); ++i)
    if (have->get(i)) {
      // Read before the cut: possible only for pieces checked before the cutter ran.
      EXPECT_LT(static_cast<std::int64_t>(i) * piece, control.bytes_done.load() + 2 * piece) << i;
    }
  EXPECT_EQ(control.bytes_done.load(), m.total_length);
}
