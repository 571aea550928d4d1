#include "shoal/metainfo/torrent_from_metadata.hpp"

#include <gtest/gtest.h>

#include "../fixtures.hpp"
#include "shoal/bencode/encode.hpp"

using namespace shoal;
using namespace shoal::test;

TEST(TorrentFromMetadata, KeepsTheInfoBytesAndTheMagnetsTrackers) {
  const std::string info = bencode::encode(single_info(1000, 256));
  auto m = metainfo_from_metadata(info, {"http://a/announce", "udp://b:80"});
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->info_hash, sha1(info));
  EXPECT_EQ(m->info_bytes, info);
  EXPECT_EQ(m->name, "file.bin");
  EXPECT_EQ(m->total_length, 1000);
  ASSERT_EQ(m->trackers.size(), 2u);  // one tier each
  EXPECT_EQ(m->trackers[0], std::vector<std::string>{"http://a/announce"});
  EXPECT_EQ(m->trackers[1], std::vector<std::string>{"udp://b:80"});
  // The .torrent written for --save-torrent parses back to the same torrent.
  auto again = parse_metainfo(make_torrent_file(info, {"http://a/announce", "udp://b:80"}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->info_hash, m->info_hash);
}

TEST(TorrentFromMetadata, NonCanonicalInfoBytesKeepTheirHash) {
  // Keys out of order: the info-hash is of the bytes as received, never of a re-encoding.
  const std::string info = "d6:lengthi10e4:name1:x12:piece lengthi16e6:pieces20:" + std::string(20, 'h') + "e";
  const std::string swapped = "d4:name1:x6:lengthi10e12:piece lengthi16e6:pieces20:" + std::string(20, 'h') + "e";
  auto m = metainfo_from_metadata(swapped, {});
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->info_hash, sha1(swapped));
  EXPECT_EQ(m->info_bytes, swapped);
  EXPECT_NE(m->info_hash, sha1(info));
}

TEST(TorrentFromMetadata, InvalidInfoIsAnErrorNamingTheField) {
  auto m = metainfo_from_metadata("d4:name1:xe", {});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.message().rfind("metadata: ", 0), 0u) << m.message();
}

TEST(TorrentFromMetadata, NoTrackersNoAnnounceKey) {
  const std::string info = bencode::encode(single_info());
  const auto file = make_torrent_file(info, {});
  EXPECT_EQ(file, "d4:info" + info + "e");
}
