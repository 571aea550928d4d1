// Hash on arrival: a piece verified from its blocks as they came, reading back only what came out of order.
#include "shoal/storage/arrival_hash.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "shoal/storage/storage.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;

namespace {

using arrival_test = scratch_dir;

// 100 bytes in pieces of 32 (blocks of 8 here), a pad file inside piece 1: a=[0,40) pad=[40,48) b=[48,100).
const std::vector<file_spec> files{{"a", 40}, {".pad/8", 8, true}, {"b", 52}};
constexpr std::int64_t block = 8;

struct fixture {
  metainfo m = make_torrent("t", files, 32);
  std::string data = content_of(files);
  std::optional<storage> st;

  std::string_view bytes(int piece, std::int64_t begin, std::int64_t n) const {
    return std::string_view(data).substr(static_cast<std::size_t>(piece * m.piece_length + begin), static_cast<std::size_t>(n));
  }
  // Writes the block as the torrent does, then tells the arrival hash.
  void arrive(arrival_hash& h, int piece, std::int64_t begin, std::string_view content) {
    ASSERT_TRUE(st->write(piece, begin, bytes_of(content)));
    h.on_block(begin, bytes_of(content));
  }
  void arrive(arrival_hash& h, int piece, std::int64_t begin) {
    arrive(h, piece, begin, bytes(piece, begin, std::min(block, m.piece_size(piece) - begin)));
  }
  result<bool> verify(int piece, arrival_hash& h) {
    std::array<std::byte, 5> scratch{};  // smaller than a block: the read-back loops
    return st->verify_piece(piece, h, scratch);
  }
};

}  // namespace

TEST_F(arrival_test, InOrderBlocksNeedNoReadBack) {
  fixture f;
  auto st = storage::open(f.m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  f.st.emplace(std::move(*st));
  for (int piece = 0; piece < f.m.piece_count(); ++piece) {
    arrival_hash h;
    for (std::int64_t at = 0; at < f.m.piece_size(piece); at += block) f.arrive(h, piece, at);
    EXPECT_EQ(h.hashed(), f.m.piece_size(piece));
    // Proof that nothing is read back: the bytes on disk no longer matter.
    const std::string garbage(static_cast<std::size_t>(f.m.piece_size(piece)), '#');
    ASSERT_TRUE(f.st->write(piece, 0, bytes_of(garbage)));
    auto good = f.verify(piece, h);
    ASSERT_TRUE(good) << good.message();
    EXPECT_TRUE(*good) << piece;
  }
}

TEST_F(arrival_test, OutOfOrderBlocksAreReadBackFromTheirOffset) {
  fixture f;
  auto st = storage::open(f.m, root, storage::open_mode::create);
  ASSERT_TRUE(st);
  f.st.emplace(std::move(*st));
  arrival_hash h;
  f.arrive(h, 1, 0);
  f.arrive(h, 1, 16);  // ahead of the prefix: on disk only
  f.arrive(h, 1, 24);
  f.arrive(h, 1, 8);   // continues the prefix
  EXPECT_EQ(h.hashed(), 16);
  auto good = f.verify(1, h);
  ASSERT_TRUE(good) << good.message();
  EXPECT_TRUE(*good);
}

TEST_F(arrival_test, ACorruptBlockFailsInThePrefixAndInTheReadBack) {
  fixture f;
  auto st = storage::open(f.m, root, storage::open_mode::create);
  ASSERT_TRUE(st);
  f.st.emplace(std::move(*st));
  std::string bad(f.bytes(0, 8, block));
  bad[3] ^= 1;
  arrival_hash in_prefix;
  f.arrive(in_prefix, 0, 0);
  f.arrive(in_prefix, 0, 8, bad);
  f.arrive(in_prefix, 0, 16);
  f.arrive(in_prefix, 0, 24);
  auto good = f.verify(0, in_prefix);
  ASSERT_TRUE(good);
  EXPECT_FALSE(*good);

  // Re-downloaded (a new arrival state, as the torrent makes after a failure): passes.
  arrival_hash again;
  for (std::int64_t at = 0; at < 32; at += block) f.arrive(again, 0, at);
  good = f.verify(0, again);
  ASSERT_TRUE(good);
  EXPECT_TRUE(*good);

  arrival_hash read_back;
  f.arrive(read_back, 0, 16);
  f.arrive(read_back, 0, 8, bad);  // out of order: only on disk
  f.arrive(read_back, 0, 0);
  f.arrive(read_back, 0, 24);
  good = f.verify(0, read_back);
  ASSERT_TRUE(good);
  EXPECT_FALSE(*good);
}

// A hashed block written again with other bytes: the prefix is dropped and the piece read back whole.
TEST_F(arrival_test, RewrittenHashedBlockFallsBackToTheDisk) {
  fixture f;
  auto st = storage::open(f.m, root, storage::open_mode::create);
  ASSERT_TRUE(st);
  f.st.emplace(std::move(*st));
  std::string bad(f.bytes(2, 0, block));
  bad[0] ^= 1;
  arrival_hash h;
  f.arrive(h, 2, 0, bad);
  f.arrive(h, 2, 8);
  f.arrive(h, 2, 0);  // the good bytes replace the bad ones on disk
  EXPECT_EQ(h.hashed(), 0);
  f.arrive(h, 2, 16);
  f.arrive(h, 2, 24);
  auto good = f.verify(2, h);
  ASSERT_TRUE(good) << good.message();
  EXPECT_TRUE(*good);
}

// BEP 47: the pad bytes a peer sends (zeros) are hashed on arrival though never written.
TEST_F(arrival_test, PadBytesCountInThePiece) {
  fixture f;
  auto st = storage::open(f.m, root, storage::open_mode::create);
  ASSERT_TRUE(st);
  f.st.emplace(std::move(*st));
  arrival_hash h;
  f.arrive(h, 1, 0);
  f.arrive(h, 1, 8);  // [40, 48): the pad file
  f.arrive(h, 1, 16);
  f.arrive(h, 1, 24);
  auto good = f.verify(1, h);
  ASSERT_TRUE(good);
  EXPECT_TRUE(*good);
  EXPECT_FALSE(std::filesystem::exists(root / "t/.pad/8"));
}

TEST_F(arrival_test, PieceOutOfRangeIsAnError) {
  fixture f;
  auto st = storage::open(f.m, root, storage::open_mode::create);
  ASSERT_TRUE(st);
  f.st.emplace(std::move(*st));
  arrival_hash h;
  auto good = f.verify(9, h);
  ASSERT_FALSE(good);
  EXPECT_EQ(good.code(), error_code::invalid_data);
}
