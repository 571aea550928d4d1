#include <gtest/gtest.h>

#include "shoal/bencode/decode.hpp"
#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;

namespace {

metainfo parse_ok(const std::string& bytes) {
  auto r = parse_metainfo(bytes);
  EXPECT_TRUE(r) << r.message();
  return r ? *r : metainfo{};
}

std::string parse_error(const std::string& bytes) {
  auto r = parse_metainfo(bytes);
  EXPECT_FALSE(r) << "expected a failure";
  return r ? std::string() : r.message();
}

}  // namespace

TEST(ParseMetainfo, SingleFile) {
  auto m = parse_ok(torrent(single_info(100, 64), dict{{"announce", "http://t/announce"},
                                                       {"comment", "hello"},
                                                       {"created by", "test"},
                                                       {"creation date", 1700000000}}));
  EXPECT_EQ(m.name, "file.bin");
  EXPECT_FALSE(m.multi_file);
  EXPECT_EQ(m.total_length, 100);
  EXPECT_EQ(m.piece_length, 64);
  EXPECT_EQ(m.piece_count(), 2);
  EXPECT_EQ(m.piece_size(0), 64);
  EXPECT_EQ(m.piece_size(1), 36);
  ASSERT_EQ(m.files.size(), 1u);
  EXPECT_EQ(m.files[0].path(), "file.bin");
  EXPECT_EQ(m.files[0].length, 100);
  EXPECT_EQ(m.comment, "hello");
  EXPECT_EQ(m.created_by, "test");
  EXPECT_EQ(m.creation_date, 1700000000);
  ASSERT_EQ(m.trackers.size(), 1u);
  EXPECT_EQ(m.trackers[0], std::vector<std::string>{"http://t/announce"});
  EXPECT_FALSE(m.is_private);
}

TEST(ParseMetainfo, MultiFileOffsetsAndPaths) {
  auto m = parse_ok(torrent(multi_info(list{file(10, list{"a", "b.txt"}), file(0, list{"empty"}), file(90, list{"c"})})));
  EXPECT_TRUE(m.multi_file);
  ASSERT_EQ(m.files.size(), 3u);
  EXPECT_EQ(m.files[0].path(), "dir/a/b.txt");
  EXPECT_EQ(m.files[1].offset, 10);
  EXPECT_EQ(m.files[2].path(), "dir/c");
  EXPECT_EQ(m.files[2].offset, 10);
  EXPECT_EQ(m.total_length, 100);
}

TEST(ParseMetainfo, InfoHashIsSha1OfOriginalInfoBytes) {
  // Keys deliberately unsorted: a re-encoding would sort them and hash differently.
  const std::string info = "d4:name1:x6:lengthi100e6:pieces40:" + hashes(2) + "12:piece lengthi64ee";
  const std::string bytes = "d4:info" + info + "8:announce4:httpe";
  auto m = parse_ok(bytes);
  EXPECT_EQ(m.info_hash, sha1(info));
  EXPECT_NE(m.info_hash, sha1(bencode::encode(*bencode::decode(info))));
}

TEST(ParseMetainfo, InfoHashUrlEncoded) {
  metainfo m;
  for (std::size_t i = 0; i < 20; ++i) m.info_hash.bytes[i] = static_cast<std::uint8_t>("Az09.-_~ /%\xff\x00zzzzzzz"[i]);
  EXPECT_EQ(m.info_hash_urlencoded(), "Az09.-_~%20%2F%25%FF%00zzzzzzz");
}

TEST(ParseMetainfo, PrivateFlag) {
  auto info = single_info();
  info["private"] = 1;
  EXPECT_TRUE(parse_ok(torrent(info)).is_private);
  info["private"] = 0;
  EXPECT_FALSE(parse_ok(torrent(info)).is_private);
}

TEST(ParseMetainfo, AnnounceListTiersDedupedAndPreferred) {
  auto m = parse_ok(torrent(single_info(), dict{{"announce", "http://ignored"},
                                                {"announce-list", list{list{"http://a", " http://b"},
                                                                       list{"http://a", 5, ""},
                                                                       list{"udp://c"}, "not a tier"}}}));
  ASSERT_EQ(m.trackers.size(), 2u);
  EXPECT_EQ(m.trackers[0], (std::vector<std::string>{"http://a", "http://b"}));
  EXPECT_EQ(m.trackers[1], std::vector<std::string>{"udp://c"});
}

TEST(ParseMetainfo, AnnounceUsedWhenAnnounceListEmpty) {
  auto m = parse_ok(torrent(single_info(), dict{{"announce", "\t udp://t"}, {"announce-list", list{list{}}}}));
  ASSERT_EQ(m.trackers.size(), 1u);
  EXPECT_EQ(m.trackers[0], std::vector<std::string>{"udp://t"});
}

TEST(ParseMetainfo, UrlListStringOrList) {
  EXPECT_EQ(parse_ok(torrent(single_info(), dict{{"url-list", "http://s/f"}})).web_seeds,
            std::vector<std::string>{"http://s/f"});
  EXPECT_EQ(parse_ok(torrent(single_info(), dict{{"url-list", list{"http://a", "", -20, "http://a", "http://b"}}}))
                .web_seeds,
            (std::vector<std::string>{"http://a", "http://b"}));
}

TEST(ParseMetainfo, PadFiles) {
  auto m = parse_ok(torrent(multi_info(list{file(10, list{"a"}), file(54, list{".pad", "54"}, "p"),
                                            file(5, list{"_____padding_file_0"}), file(20, list{"b"})})));
  ASSERT_EQ(m.files.size(), 4u);
  EXPECT_FALSE(m.files[0].pad);
  EXPECT_TRUE(m.files[1].pad);
  EXPECT_EQ(m.files[1].attributes, "p");
  EXPECT_TRUE(m.files[2].pad);  // BitComet's naming convention
  EXPECT_EQ(m.files[3].offset, 69);
}

TEST(ParseMetainfo, PadFileWithoutPath) {
  auto m = parse_ok(torrent(multi_info(list{file(10, list{"a"}), dict{{"length", 54}, {"attr", "p"}}, file(1, list{"b"})})));
  EXPECT_EQ(m.files[1].path(), "dir/.pad/54");
}

TEST(ParseMetainfo, SymlinkHasNoPayload) {
  dict link{{"length", 500}, {"attr", "l"}, {"path", list{"link"}}, {"symlink path", list{"..", "a"}}};
  auto m = parse_ok(torrent(multi_info(list{file(10, list{"a"}), link})));
  ASSERT_EQ(m.files.size(), 2u);
  EXPECT_TRUE(m.files[1].symlink);
  EXPECT_EQ(m.files[1].length, 0);
  EXPECT_EQ(m.files[1].symlink_target, std::vector<std::string>{"a"});
  EXPECT_EQ(m.total_length, 10);
}

TEST(ParseMetainfo, NameUtf8Preferred) {
  auto info = single_info();
  info["name.utf-8"] = "n\xc3\xa4me";
  EXPECT_EQ(parse_ok(torrent(info)).name, "n\xc3\xa4me");
}

TEST(ParseMetainfo, DuplicatePathsRenamed) {
  auto m = parse_ok(torrent(multi_info(list{file(1, list{"a.txt"}), file(1, list{"a.txt"}), file(1, list{"a.txt"}),
                                            file(1, list{"x"}), file(1, list{"x", "y"})})));
  EXPECT_EQ(m.files[0].path(), "dir/a.txt");
  EXPECT_EQ(m.files[1].path(), "dir/a.1.txt");
  EXPECT_EQ(m.files[2].path(), "dir/a.2.txt");
  EXPECT_EQ(m.files[3].path(), "dir/x.1");  // "dir/x" is a directory of the next file
  EXPECT_EQ(m.files[4].path(), "dir/x/y");
}

TEST(ParseMetainfo, LongNamesFlaggedAndRenamedDuplicatesStayShort) {
  const std::string name255 = std::string(251, 'n') + ".txt";
  const std::string name300 = std::string(296, 'n') + ".txt";
  auto m = parse_ok(torrent(multi_info(list{file(1, list{name255}), file(1, list{name255}), file(1, list{name300})})));
  EXPECT_EQ(m.files[0].path(), "dir/" + name255);
  EXPECT_FALSE(m.files[0].name_shortened);
  // "name.1.txt" would be 257 bytes: shortened like any overlong name.
  EXPECT_TRUE(m.files[1].name_shortened);
  EXPECT_EQ(m.files[1].components.back().size(), 255u);
  EXPECT_TRUE(m.files[1].components.back().ends_with(".txt"));
  EXPECT_NE(m.files[1].path(), m.files[0].path());
  EXPECT_TRUE(m.files[2].name_shortened);
  EXPECT_EQ(m.files[2].components.back().size(), 255u);

  auto info = single_info();
  info["name"] = name300;
  auto single = parse_ok(torrent(info));
  EXPECT_EQ(single.name.size(), 255u);
  EXPECT_TRUE(single.files[0].name_shortened);
}

TEST(ParseMetainfo, TrailingBytesIgnored) {
  EXPECT_TRUE(parse_metainfo(torrent(single_info()) + "\n"));
}

TEST(ParseMetainfoErrors, PieceCount) {
  auto info = single_info(200000, 65536);
  info["pieces"] = hashes(3);
  EXPECT_EQ(parse_error(torrent(info)), "info.pieces: 3 hashes for 4 pieces of 65536 bytes (total 200000 bytes)");
  info["pieces"] = std::string(41, 'x');
  EXPECT_EQ(parse_error(torrent(info)), "info.pieces: length 41 is not a multiple of 20");
}

TEST(ParseMetainfoErrors, PieceLength) {
  auto info = single_info();
  info["piece length"] = 0;
  EXPECT_EQ(parse_error(torrent(info)), "info.piece length: must be positive (got 0)");
  info["piece length"] = "64";
  EXPECT_EQ(parse_error(torrent(info)), "info.piece length: expected an integer, found string");
  info["piece length"] = std::int64_t{1} << 31;
  EXPECT_NE(parse_error(torrent(info)).find("exceeds the limit"), std::string::npos);
  info.erase("piece length");
  EXPECT_EQ(parse_error(torrent(info)), "info.piece length: missing");
}

TEST(ParseMetainfoErrors, MissingAndWrongTypes) {
  EXPECT_EQ(parse_error("le"), "torrent: expected a dictionary, found list");
  EXPECT_EQ(parse_error("de"), "info: missing");
  EXPECT_EQ(parse_error("d4:info3:abce"), "info: expected a dictionary, found string");
  auto info = single_info();
  info.erase("name");
  EXPECT_EQ(parse_error(torrent(info)), "info.name: missing");
  info = single_info();
  info["name"] = 5;
  EXPECT_EQ(parse_error(torrent(info)), "info.name: expected a string, found integer");
  info = single_info();
  info.erase("pieces");
  EXPECT_EQ(parse_error(torrent(info)), "info.pieces: missing");
  info = single_info();
  info.erase("length");
  EXPECT_EQ(parse_error(torrent(info)), "info.length: missing");
  info = single_info();
  info["length"] = -1;
  EXPECT_EQ(parse_error(torrent(info)), "info.length: negative (-1)");
  EXPECT_EQ(parse_error(torrent(multi_info(list{file(1, list{"a"}), "x"}))),
            "info.files[1]: expected a dictionary, found string");
  EXPECT_EQ(parse_error(torrent(multi_info(list{file(1, list{"a", 7})}))),
            "info.files[0].path[1]: expected a string, found integer");
  EXPECT_EQ(parse_error(torrent(multi_info(list{dict{{"length", 1}}}))), "info.files[0].path: missing");
  EXPECT_EQ(parse_error(torrent(multi_info(list{file(1, list{})}))), "info.files[0].path: empty");
  EXPECT_EQ(parse_error(torrent(multi_info(list{}))), "info.files: empty (a torrent needs at least one file)");
  EXPECT_EQ(parse_error(torrent(multi_info(list{file(0, list{"a"})}))),
            "info.files: total length is 0 (a torrent must carry data)");
}

TEST(ParseMetainfoErrors, SingleFileNameThatCannotBeAFile) {
  auto info = single_info();
  info["name"] = "..";
  EXPECT_EQ(parse_error(torrent(info)), "info.name: not usable as a file name after sanitizing");
}

TEST(ParseMetainfoErrors, V2OnlyRefused) {
  dict info{{"name", "x"},
            {"piece length", 16384},
            {"meta version", 2},
            {"file tree", dict{{"x", dict{{"", dict{{"length", 5}, {"pieces root", std::string(32, 'r')}}}}}}}};
  EXPECT_NE(parse_error(torrent(info)).find("v2-only torrents are not supported yet"), std::string::npos);
}

TEST(ParseMetainfo, HybridLoadsAsV1AndMustMatch) {
  auto info = single_info(100, 16384);
  info["meta version"] = 2;
  info["file tree"] = dict{{"file.bin", dict{{"", dict{{"length", 100}, {"pieces root", std::string(32, 'r')}}}}}};
  auto m = parse_ok(torrent(info));
  EXPECT_TRUE(m.hybrid);
  EXPECT_EQ(m.files.size(), 1u);
  info["file tree"] = dict{{"other.bin", dict{{"", dict{{"length", 100}}}}}};
  EXPECT_NE(parse_error(torrent(info)).find("info.file tree: does not match the v1 file list"), std::string::npos);
}

TEST(ParseMetainfoErrors, FileTooLarge) {
  metainfo_limits limits;
  limits.max_file_size = 10;
  auto r = parse_metainfo(torrent(single_info()), limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.message().find("exceeds the limit of 10"), std::string::npos);
}

// The piece hashes are read where they lie in the info dictionary's bytes, not held a second time; a metainfo
// built field by field (piece_hashes set) reads its own; a copy reads the same.
TEST(ParseMetainfo, PieceHashesAreReadFromTheInfoBytes) {
  dict info = single_info(300, 64);
  const std::string expected = info.at("pieces").as_string();
  auto m = parse_ok(torrent(info));
  EXPECT_TRUE(m.piece_hashes.empty());
  EXPECT_EQ(m.pieces(), expected);
  EXPECT_EQ(m.piece_count(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(m.piece_hash(i).view(), std::string_view(expected).substr(i * 20, 20)) << i;
  const metainfo copy = m;
  EXPECT_EQ(copy.pieces(), expected);
  metainfo built;
  built.piece_hashes = expected;
  EXPECT_EQ(built.pieces(), expected);
  EXPECT_EQ(built.piece_count(), 5);
}
