#include "shoal/metainfo/torrent_builder.hpp"

#include <gtest/gtest.h>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"
#include "shoal/metainfo/metainfo.hpp"

namespace shoal {
namespace {

TEST(DefaultPieceLength, AimsForOneToTwoThousandPieces) {
  EXPECT_EQ(default_piece_length(1), 16 << 10);
  EXPECT_EQ(default_piece_length(2000LL * (16 << 10)), 16 << 10);
  EXPECT_EQ(default_piece_length(2000LL * (16 << 10) + 1), 32 << 10);
  EXPECT_EQ(default_piece_length(1LL << 30), 1 << 20);  // 1 GiB: 1024 pieces
  for (std::int64_t total : {100LL << 20, 3LL << 30, 7'777'777'777LL}) {
    const std::int64_t p = default_piece_length(total);
    const std::int64_t pieces = (total + p - 1) / p;
    EXPECT_GT(pieces, 1000) << total;
    EXPECT_LE(pieces, 2000) << total;
  }
  EXPECT_EQ(default_piece_length(1LL << 50), 16 << 20);  // capped
}

TEST(ParsePieceLength, AcceptsBytesSuffixesAndExponents) {
  EXPECT_EQ(*parse_piece_length("262144"), 262144);
  EXPECT_EQ(*parse_piece_length("256K"), 262144);
  EXPECT_EQ(*parse_piece_length("256kib"), 262144);
  EXPECT_EQ(*parse_piece_length("1M"), 1 << 20);
  EXPECT_EQ(*parse_piece_length("18"), 1 << 18);
  EXPECT_EQ(*parse_piece_length("14"), 16 << 10);
  EXPECT_EQ(*parse_piece_length("28"), 256 << 20);
  EXPECT_EQ(*parse_piece_length("256M"), 256 << 20);
  EXPECT_EQ(*parse_piece_length("16k"), 16 << 10);
}

TEST(ParsePieceLength, SaysWhyInWords) {
  EXPECT_NE(parse_piece_length("1G").message().find("'1G' is above 256M"), std::string::npos);
  EXPECT_NE(parse_piece_length("8K").message().find("'8K' is below 16K"), std::string::npos);
  EXPECT_NE(parse_piece_length("100000").message().find("not a power of two"), std::string::npos);
  EXPECT_NE(parse_piece_length("12").message().find("not an exponent from 14 to 28"), std::string::npos);
  EXPECT_NE(parse_piece_length("1X").message().find("unknown suffix 'X'"), std::string::npos);
}

TEST(ParsePieceLength, RefusesWithAReason) {
  for (const char* bad : {"", "abc", "100000", "8K", "512M", "13", "29", "63", "1X", "-1", "99999999999999999999M"}) {
    auto r = parse_piece_length(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.message().rfind("value '" + std::string(bad) + "' ", 0), 0u) << r.message();
    EXPECT_NE(r.message().find("(allowed: a power of two from 16K to 256M"), std::string::npos) << r.message();
  }
}

source_tree multi_tree() {
  source_tree t;
  t.name = "album";
  t.multi_file = true;
  t.files = {{"/x/a", {"a.flac"}, 40000}, {"/x/b", {"cd2", "b.flac"}, 0}, {"/x/c", {"cd2", "c.flac"}, 9000}};
  t.total_length = 49000;
  return t;
}

TEST(BuildTorrent, MultiFileFieldsRoundTripThroughTheParser) {
  const source_tree tree = multi_tree();
  torrent_spec spec;
  spec.source = &tree;
  spec.piece_length = 16384;
  spec.piece_hashes = std::string(3 * 20, 'h');
  spec.trackers = {{"http://t1/announce"}, {"http://t2/announce", "http://t3/announce"}};
  spec.web_seeds = {"http://seed/"};
  spec.comment = "hello";
  spec.created_by = "Shoal test";
  spec.creation_date = 1700000000;
  spec.is_private = true;
  const built_torrent t = build_torrent(spec);

  auto top = bencode::decode(t.bytes);
  ASSERT_TRUE(top) << top.message();
  const auto* info = top->find("info");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(sha1(bencode::encode(*info)), t.info_hash);
  EXPECT_EQ(top->find("announce")->as_string(), "http://t1/announce");
  EXPECT_EQ(info->find("private")->as_int(), 1);
  EXPECT_EQ(info->find("length"), nullptr);

  auto m = parse_metainfo(t.bytes);
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->info_hash, t.info_hash);
  EXPECT_EQ(m->name, "album");
  EXPECT_TRUE(m->multi_file);
  EXPECT_TRUE(m->is_private);
  EXPECT_EQ(m->piece_length, 16384);
  EXPECT_EQ(m->total_length, 49000);
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[1].path(), "album/cd2/b.flac");
  EXPECT_EQ(m->files[2].offset, 40000);
  const std::vector<std::vector<std::string>> tiers{{"http://t1/announce"},
                                                    {"http://t2/announce", "http://t3/announce"}};
  EXPECT_EQ(m->trackers, tiers);
  EXPECT_EQ(m->web_seeds, std::vector<std::string>{"http://seed/"});
  EXPECT_EQ(m->comment, "hello");
  EXPECT_EQ(m->created_by, "Shoal test");
  EXPECT_EQ(m->creation_date, 1700000000);
}

TEST(BuildTorrent, SingleFileUsesLengthAndNameOverride) {
  source_tree tree;
  tree.name = "file.iso";
  tree.files = {{"/x/file.iso", {}, 20000}};
  tree.total_length = 20000;
  torrent_spec spec;
  spec.source = &tree;
  spec.name = "renamed.iso";
  spec.piece_length = 16384;
  spec.piece_hashes = std::string(2 * 20, 'h');
  const built_torrent t = build_torrent(spec);
  auto top = bencode::decode(t.bytes);
  ASSERT_TRUE(top) << top.message();
  const auto* info = top->find("info");
  EXPECT_EQ(info->find("length")->as_int(), 20000);
  EXPECT_EQ(info->find("files"), nullptr);
  EXPECT_EQ(info->find("private"), nullptr);
  EXPECT_EQ(info->find("name")->as_string(), "renamed.iso");
  EXPECT_EQ(top->find("announce"), nullptr);
  EXPECT_EQ(top->find("creation date"), nullptr);
  EXPECT_EQ(top->find("url-list"), nullptr);
}

}  // namespace
}  // namespace shoal
