#include "shoal/storage/piece_hasher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "shoal/hash/sha1.hpp"

#include "fixtures.hpp"

namespace shoal {
namespace {

namespace fs = std::filesystem;

// Every test runs for both read paths: mmap'ed windows (true) and pread (false).
class PieceHasherTest : public test::scratch_dir, public ::testing::WithParamInterface<bool> {
 protected:

  // A file of `length` pseudo-random bytes, also appended to the whole stream.
  hash_input_file add_file(const std::string& name, std::int64_t length) {
    std::string data(static_cast<std::size_t>(length), '\0');
    for (auto& c : data) c = static_cast<char>(rng_());
    std::ofstream(dir / name, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
    stream_ += data;
    return {dir / name, length};
  }

  std::string expected(std::int64_t piece_length) const {
    std::string out;
    for (std::size_t pos = 0; pos < stream_.size(); pos += static_cast<std::size_t>(piece_length))
      out += sha1(std::string_view(stream_).substr(pos, static_cast<std::size_t>(piece_length))).str();
    return out;
  }

  result<std::string> hash(const std::vector<hash_input_file>& files, std::int64_t piece_length, int threads,
                                  std::size_t read_size = 1 << 20) {
    piece_hash_options o;
    o.piece_length = piece_length;
    o.threads = threads;
    o.read_size = read_size;
    o.use_mmap = GetParam();
    return hash_pieces(files, o);
  }

  std::string stream_;
  std::mt19937 rng_{42};
};

TEST_P(PieceHasherTest, SingleFileWithShortLastPiece) {
  std::vector files{add_file("a", 16384 * 3 + 100)};
  auto r = hash(files, 16384, 1);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->size(), 4u * 20);
  EXPECT_EQ(*r, expected(16384));
}

TEST_P(PieceHasherTest, PiecesSpanFileBoundariesAndSkipEmptyFiles) {
  std::vector files{add_file("a", 10000), add_file("empty", 0), add_file("b", 30000), add_file("c", 5),
                    add_file("d", 16384)};
  for (int threads : {1, 2, 3, 8}) {
    auto r = hash(files, 16384, threads);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(*r, expected(16384)) << threads << " threads";
  }
}

TEST_P(PieceHasherTest, OneThreadAndManyThreadsAgreeWithSmallReads) {
  std::vector<hash_input_file> files;
  for (int i = 0; i < 20; ++i) files.push_back(add_file("f" + std::to_string(i), 1000 + i * 3777));
  auto one = hash(files, 32768, 1, 4096);
  auto many = hash(files, 32768, 7, 5000);
  ASSERT_TRUE(one) << one.message();
  ASSERT_TRUE(many) << many.message();
  EXPECT_EQ(*one, *many);
  EXPECT_EQ(*one, expected(32768));
}

// Enough pieces for several claims per thread (the pread path claims runs of pieces and splits
// each between two lanes), an odd count and a short last piece: every digest lands in its slot.
TEST_P(PieceHasherTest, ManyClaimsWithAnOddPieceCount) {
  std::vector files{add_file("a", (5 << 20) + 16384 * 3 + 777), add_file("b", 12345)};
  for (int threads : {1, 2, 3}) {
    auto r = hash(files, 16384, threads, 16384);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ(*r, expected(16384)) << threads << " threads";
  }
}

TEST_P(PieceHasherTest, ReportsProgressUpToTheTotal) {
  std::vector files{add_file("a", 200000)};
  std::int64_t last = -1;
  piece_hash_options o;
  o.piece_length = 16384;
  o.threads = 2;
  o.on_progress = [&](std::int64_t done) {
    EXPECT_GE(done, last);
    last = done;
  };
  ASSERT_TRUE(hash_pieces(files, o));
  EXPECT_EQ(last, 200000);
}

TEST_P(PieceHasherTest, FileOfAnotherSizeIsAnErrorNamingIt) {
  auto f = add_file("a", 50000);
  f.length = 60000;  // as if it shrank after being listed
  auto r = hash({f}, 16384, 2);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("changed size"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find(f.path.string()), std::string::npos) << r.message();
}

// Truncated from the progress callback while workers hash it: on the mmap path this faults
// (SIGBUS) inside the mapping when the workers are still running, which must read as an error.
TEST_P(PieceHasherTest, FileTruncatedWhileHashingIsAnErrorNotACrash) {
  auto f = add_file("a", 32 << 20);
  piece_hash_options o;
  o.piece_length = 1 << 20;
  o.threads = 2;
  o.use_mmap = GetParam();
  o.progress_interval = std::chrono::milliseconds(1);
  o.on_progress = [&](std::int64_t) { fs::resize_file(f.path, 4096); };
  auto r = hash_pieces({f}, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("changed size"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find(f.path.string()), std::string::npos) << r.message();
}

TEST_P(PieceHasherTest, MissingFileIsAnError) {
  auto a = add_file("a", 50000);
  hash_input_file gone{dir / "gone", 100};
  auto r = hash({a, gone}, 16384, 2);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("cannot open"), std::string::npos) << r.message();
}

TEST_P(PieceHasherTest, CancelledThroughTheControlStopsWithItsCode) {
  auto a = add_file("a", 200000);
  check_control control;
  control.cancelled = true;
  piece_hash_options o;
  o.piece_length = 16384;
  o.threads = 2;
  o.use_mmap = GetParam();
  o.control = &control;
  auto r = hash_pieces({a}, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), error_code::cancelled);
  EXPECT_EQ(control.bytes_done.load(), 0);
}

TEST_P(PieceHasherTest, ProgressReachesTheControl) {
  auto a = add_file("a", 200000);
  check_control control;
  piece_hash_options o;
  o.piece_length = 16384;
  o.threads = 3;
  o.use_mmap = GetParam();
  o.control = &control;
  ASSERT_TRUE(hash_pieces({a}, o));
  EXPECT_EQ(control.bytes_done.load(), 200000);
}

TEST_P(PieceHasherTest, NonPositivePieceLengthIsRefused) {
  auto a = add_file("a", 10);
  EXPECT_FALSE(hash({a}, 0, 1));
}

}  // namespace
INSTANTIATE_TEST_SUITE_P(ReadPaths, PieceHasherTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Mmap" : "Pread"; });

}  // namespace shoal
