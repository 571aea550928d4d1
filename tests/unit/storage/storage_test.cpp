#include "shoal/storage/storage.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;
namespace fs = std::filesystem;

namespace {

using storage_test = scratch_dir;

// Writes the whole torrent through storage in blocks of block_size.
void write_all(storage& st, const metainfo& m, const std::string& data, std::int64_t block_size) {
  for (int p = 0; p < m.piece_count(); ++p)
    for (std::int64_t at = 0; at < m.piece_size(p); at += block_size) {
      const auto n = std::min(block_size, m.piece_size(p) - at);
      const auto pos = static_cast<std::size_t>(p * m.piece_length + at);
      auto s = st.write(p, at, bytes_of(std::string_view(data).substr(pos, static_cast<std::size_t>(n))));
      ASSERT_TRUE(s) << s.message();
    }
}

std::string read_piece(const storage& st, int piece, std::int64_t offset, std::size_t n) {
  std::string out(n, '?');
  auto s = st.read(piece, offset, std::as_writable_bytes(std::span(out.data(), out.size())));
  EXPECT_TRUE(s) << s.message();
  return out;
}

bool verify(const storage& st, int piece) {
  std::vector<std::byte> scratch(7);  // smaller than a piece: hashed in steps
  auto r = st.verify_piece(piece, scratch);
  EXPECT_TRUE(r) << r.message();
  return r && *r;
}

}  // namespace

TEST_F(storage_test, SingleFileRoundTrip) {
  const std::vector<file_spec> files{{"", 40}};
  const auto m = make_torrent("one.bin", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  EXPECT_EQ(fs::file_size(root / "one.bin"), 40u);  // final size from the start
  const auto data = content_of(files);
  write_all(*st, m, data, 5);
  ASSERT_TRUE(st->sync());
  EXPECT_EQ(read_file(root / "one.bin"), data);
  for (int p = 0; p < 3; ++p) EXPECT_TRUE(verify(*st, p));
}

TEST_F(storage_test, PieceSpanningSeveralFiles) {
  const std::vector<file_spec> files{{"a", 5}, {"sub/b", 3}, {"c", 0}, {"sub/deep/d", 10}, {"e", 7}};
  const auto m = make_torrent("multi", files, 16);
  ASSERT_EQ(m.piece_count(), 2);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  const auto data = content_of(files);
  // One write covering all of piece 0: a, b, (c empty), and 8 bytes of d.
  ASSERT_TRUE(st->write(0, 0, bytes_of(std::string_view(data).substr(0, 16))));
  EXPECT_EQ(read_file(root / "multi/a"), data.substr(0, 5));
  EXPECT_EQ(read_file(root / "multi/sub/b"), data.substr(5, 3));
  EXPECT_EQ(read_file(root / "multi/sub/deep/d").substr(0, 8), data.substr(8, 8));
  EXPECT_EQ(read_piece(*st, 0, 3, 10), data.substr(3, 10));  // a block across three files
  EXPECT_TRUE(verify(*st, 0));
  EXPECT_FALSE(verify(*st, 1));  // not written yet: sparse zeros
}

TEST_F(storage_test, ClosedFilesOpenAgainOnTheNextReadAndWrite) {
  const std::vector<file_spec> files{{"a", 5}, {"b", 27}};
  const auto m = make_torrent("closing", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  const auto data = content_of(files);
  ASSERT_TRUE(st->write(0, 0, bytes_of(std::string_view(data).substr(0, 16))));
  EXPECT_EQ(st->open_files(), 2u);
  st->close_files();
  EXPECT_EQ(st->open_files(), 0u);
  ASSERT_TRUE(st->write(1, 0, bytes_of(std::string_view(data).substr(16, 16))));  // b only
  EXPECT_EQ(st->open_files(), 1u);
  st->close_files();
  EXPECT_EQ(read_piece(*st, 0, 0, 16), data.substr(0, 16));
  EXPECT_EQ(st->open_files(), 2u);
  EXPECT_TRUE(st->sync());  // written through descriptors closed since: synced through new ones
  EXPECT_EQ(read_file(root / "closing/b"), data.substr(5));
}

TEST_F(storage_test, LastPieceIsShorter) {
  const std::vector<file_spec> files{{"a", 20}, {"b", 5}};
  const auto m = make_torrent("t", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  const auto data = content_of(files);
  write_all(*st, m, data, 16);
  EXPECT_EQ(read_piece(*st, 1, 0, 9), data.substr(16, 9));
  EXPECT_TRUE(verify(*st, 1));
  std::string buf(10, '\0');
  auto s = st->read(1, 0, std::as_writable_bytes(std::span(buf.data(), buf.size())));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "read: range 0+10 outside piece 1 (9 bytes)");
  s = st->write(2, 0, bytes_of("x"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "write: piece 2 out of range (2 pieces)");
  EXPECT_FALSE(st->write(0, -1, bytes_of("x")));
}

TEST_F(storage_test, PadFilesReadAsZerosAndAreNeverCreated) {
  const std::vector<file_spec> files{{"a", 10}, {".pad/6", 6, true}, {"b", 20}};
  const auto m = make_torrent("p", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  EXPECT_FALSE(fs::exists(root / "p/.pad"));
  const auto data = content_of(files);
  std::string garbage = data.substr(0, 16);
  garbage.replace(10, 6, "XXXXXX");  // whatever a peer sends for the pad region is dropped
  ASSERT_TRUE(st->write(0, 0, bytes_of(garbage)));
  EXPECT_EQ(read_piece(*st, 0, 0, 16), data.substr(0, 16));
  EXPECT_EQ(read_piece(*st, 0, 10, 6), std::string(6, '\0'));
  EXPECT_TRUE(verify(*st, 0));
  EXPECT_FALSE(fs::exists(root / "p/.pad"));
  EXPECT_EQ(fs::file_size(root / "p/a"), 10u);
}

TEST_F(storage_test, ZeroLengthFilesCreated) {
  const std::vector<file_spec> files{{"empty", 0}, {"dir/also-empty", 0}, {"x", 3}};
  const auto m = make_torrent("z", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  ASSERT_TRUE(fs::is_regular_file(root / "z/empty"));
  ASSERT_TRUE(fs::is_regular_file(root / "z/dir/also-empty"));
  EXPECT_EQ(fs::file_size(root / "z/dir/also-empty"), 0u);
  // And a seed opens them read-only without complaint.
  EXPECT_TRUE(storage::open(m, root, storage::open_mode::read_only));
}

TEST_F(storage_test, ReadOnlyMissingFileIsNamed) {
  const std::vector<file_spec> files{{"a", 4}, {"b.bin", 4}};
  const auto m = make_torrent("t", files, 16);
  fs::create_directories(root / "t");
  { std::ofstream(root / "t/a") << "abcd"; }
  auto st = storage::open(m, root, storage::open_mode::read_only);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "open t/b.bin: No such file or directory");
  EXPECT_FALSE(fs::exists(root / "t/b.bin"));  // read-only never creates
}

TEST_F(storage_test, ReadOnlyWrongSizeIsNamed) {
  const std::vector<file_spec> files{{"a", 4}};
  const auto m = make_torrent("t", files, 16);
  fs::create_directories(root / "t");
  { std::ofstream(root / "t/a") << "abc"; }
  auto st = storage::open(m, root, storage::open_mode::read_only);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "t/a: size 3, expected 4");
}

TEST_F(storage_test, ReadOnlyRefusesWrites) {
  const std::vector<file_spec> files{{"", 4}};
  const auto m = make_torrent("f", files, 16);
  ASSERT_TRUE(storage::open(m, root, storage::open_mode::create));
  auto st = storage::open(m, root, storage::open_mode::read_only);
  ASSERT_TRUE(st) << st.message();
  EXPECT_EQ(st->mode(), storage::open_mode::read_only);
  EXPECT_FALSE(st->write(0, 0, bytes_of("abcd")));
}

TEST_F(storage_test, CreateKeepsExistingDataAndFixesSizes) {
  const std::vector<file_spec> files{{"a", 8}, {"b", 8}};
  const auto m = make_torrent("t", files, 16);
  fs::create_directories(root / "t");
  { std::ofstream(root / "t/a") << "12345678"; }
  { std::ofstream(root / "t/b") << "0123456789-leftover"; }
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  EXPECT_EQ(read_file(root / "t/a"), "12345678");  // resume: nothing overwritten
  EXPECT_EQ(read_file(root / "t/b"), "01234567");  // cut to the torrent's size
}

TEST_F(storage_test, PreallocateReservesBlocksSparseDoesNot) {
  const std::vector<file_spec> files{{"a", 1 << 20}, {"empty", 0}, {"b", 300000}};
  const auto m = make_torrent("t", files, 1 << 16);
  storage_options o;
  o.preallocate = true;
  auto st = storage::open(m, root, storage::open_mode::create, o);
  ASSERT_TRUE(st) << st.message();
  struct stat a {};
  ASSERT_EQ(::stat((root / "t/a").c_str(), &a), 0);
  EXPECT_EQ(a.st_size, 1 << 20);
  EXPECT_GE(a.st_blocks * 512, a.st_size);  // the file system here supports fallocate (ext4, tmpfs)
  EXPECT_EQ(fs::file_size(root / "t/empty"), 0u);
  EXPECT_FALSE(verify(*st, 0));  // reserved blocks read as zeros, never as data

  o.preallocate = false;
  auto sparse = storage::open(make_torrent("s", files, 1 << 16), root, storage::open_mode::create, o);
  ASSERT_TRUE(sparse) << sparse.message();
  ASSERT_EQ(::stat((root / "s/a").c_str(), &a), 0);
  EXPECT_EQ(a.st_size, 1 << 20);
  EXPECT_EQ(a.st_blocks, 0);
}

TEST_F(storage_test, TruncatedUnderneathNamesFileAndOffset) {
  const std::vector<file_spec> files{{"a", 8}, {"b.bin", 30}};
  const auto m = make_torrent("t", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  fs::resize_file(root / "t/b.bin", 10);  // someone else cut the file
  std::string buf(16, '\0');
  auto s = st->read(1, 0, std::as_writable_bytes(std::span(buf.data(), buf.size())));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "read t/b.bin at offset 10: unexpected end of file (truncated?)");
}

TEST_F(storage_test, ManyFilesThroughASmallFdCache) {
  std::vector<file_spec> files;
  for (int i = 0; i < 40; ++i) files.push_back({"f" + std::to_string(i), 3 + i % 5});
  const auto m = make_torrent("many", files, 16);
  storage_options opt;
  opt.max_open_files = 3;
  auto st = storage::open(m, root, storage::open_mode::create, opt);
  ASSERT_TRUE(st) << st.message();
  const auto data = content_of(files);
  write_all(*st, m, data, 16);
  ASSERT_TRUE(st->sync());  // reopens evicted files to fsync them
  for (int p = 0; p < m.piece_count(); ++p) EXPECT_TRUE(verify(*st, p)) << p;
}

TEST_F(storage_test, InconsistentLayoutRefused) {
  auto m = make_torrent("t", {{"a", 8}, {"b", 8}}, 16);
  m.files[1].offset = 9;
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "torrent: file t/b at offset 9, expected 8");
  m = make_torrent("t", {{"a", 8}, {"b", 8}}, 16);
  m.piece_hashes += std::string(20, 'x');
  EXPECT_FALSE(storage::open(m, root, storage::open_mode::create));
}

TEST_F(storage_test, MovedStorageStillWorks) {
  const std::vector<file_spec> files{{"a", 8}, {"b", 8}};
  const auto m = make_torrent("t", files, 16);
  auto opened = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(opened);
  storage st = std::move(*opened);
  ASSERT_TRUE(st.write(0, 0, bytes_of(content_of(files))));
  EXPECT_TRUE(verify(st, 0));
}

TEST_F(storage_test, WriteErrorNamesFileAndOffset) {
  const std::vector<file_spec> files{{"a", 8}, {"b.bin", 40}};
  const auto m = make_torrent("t", files, 16);
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_TRUE(st) << st.message();
  // Make the next write past 16 bytes fail (EFBIG) instead of filling a disk.
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto prev = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 16;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto s = st->write(1, 0, bytes_of(std::string(16, 'x')));  // torrent bytes [16,32) = b.bin [8,24)
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, prev);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "write t/b.bin at offset 16: File too large");
}

TEST_F(storage_test, ConcurrentWritesAndReadsOnDifferentRanges) {
  std::vector<file_spec> files;
  for (int i = 0; i < 12; ++i) files.push_back({"f" + std::to_string(i), 37});
  const auto m = make_torrent("c", files, 32);
  storage_options opt;
  opt.max_open_files = 2;  // threads keep evicting each other's descriptors
  auto st = storage::open(m, root, storage::open_mode::create, opt);
  ASSERT_TRUE(st) << st.message();
  const auto data = content_of(files);
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      for (int p = t; p < m.piece_count(); p += 4) {
        const auto at = static_cast<std::size_t>(p * m.piece_length);
        const auto n = static_cast<std::size_t>(m.piece_size(p));
        if (!st->write(p, 0, bytes_of(std::string_view(data).substr(at, n)))) ++failures;
        std::string back(n, '\0');
        if (!st->read(p, 0, std::as_writable_bytes(std::span(back.data(), n))) || back != data.substr(at, n))
          ++failures;
      }
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(failures, 0);
  for (int p = 0; p < m.piece_count(); ++p) EXPECT_TRUE(verify(*st, p)) << p;
}
