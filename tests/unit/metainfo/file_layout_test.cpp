#include <gtest/gtest.h>

#include "shoal/metainfo/file_layout.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;

namespace {

metainfo layout(list files, std::int64_t piece_length) {
  auto r = parse_metainfo(torrent(multi_info(std::move(files), piece_length)));
  EXPECT_TRUE(r) << r.message();
  return r ? *r : metainfo{};
}

}  // namespace

TEST(FileLayout, BlockAcrossFileBoundariesSkipsEmptyFiles) {
  // files: a[0,10) empty b[10,10) c[10,40) d[40,100); pieces of 32 bytes.
  auto m = layout(list{file(10, list{"a"}), file(0, list{"b"}), file(30, list{"c"}), file(60, list{"d"})}, 32);
  ASSERT_EQ(m.piece_count(), 4);
  EXPECT_EQ(map_piece(m, 0), (std::vector<file_slice>{{0, 0, 10}, {2, 0, 22}}));
  EXPECT_EQ(map_piece(m, 1), (std::vector<file_slice>{{2, 22, 8}, {3, 0, 24}}));
  EXPECT_EQ(map_block(m, 0, 5, 10), (std::vector<file_slice>{{0, 5, 5}, {2, 0, 5}}));
  EXPECT_EQ(map_block(m, 0, 10, 4), (std::vector<file_slice>{{2, 0, 4}}));
}

TEST(FileLayout, LastPieceIsShort) {
  auto m = layout(list{file(10, list{"a"}), file(90, list{"d"})}, 32);
  EXPECT_EQ(m.piece_size(3), 4);
  EXPECT_EQ(map_piece(m, 3), (std::vector<file_slice>{{1, 86, 4}}));
  EXPECT_TRUE(map_block(m, 3, 0, 5).empty());  // past the end of the torrent
  EXPECT_TRUE(map_block(m, 4, 0, 1).empty());
  EXPECT_TRUE(map_block(m, -1, 0, 1).empty());
  EXPECT_TRUE(map_block(m, 0, -1, 1).empty());
}

TEST(FileLayout, EveryPieceSumsToItsSize) {
  auto m = layout(list{file(7, list{"a"}), file(0, list{"b"}), file(0, list{"c"}), file(100, list{"d"}),
                       file(1, list{"e"}), file(57, list{"f"}, "p")},
                  16);
  std::int64_t total = 0;
  std::vector<file_slice> slices;
  for (int p = 0; p < m.piece_count(); ++p) {
    map_block(m, p, 0, m.piece_size(p), slices);
    std::int64_t sum = 0;
    for (const auto& s : slices) {
      EXPECT_GT(s.length, 0);
      EXPECT_LE(s.file_offset + s.length, m.files[std::size_t(s.file_index)].length);
      sum += s.length;
    }
    EXPECT_EQ(sum, m.piece_size(p));
    total += sum;
  }
  EXPECT_EQ(total, m.total_length);
}
