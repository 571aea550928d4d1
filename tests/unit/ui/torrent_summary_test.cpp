#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <sstream>

#include "shoal/bencode/encode.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/ui/torrent_summary.hpp"

using namespace shoal;
using bencode::dict;
using bencode::list;

namespace {

metainfo sample() {
  dict info{{"name", "dir"},
            {"piece length", 16},
            {"pieces", std::string(40, 'h')},
            {"private", 1},
            {"files", list{dict{{"length", 10}, {"path", list{"a\xff.txt"}}},
                           dict{{"length", 6}, {"path", list{".pad", "6"}}, {"attr", "p"}},
                           dict{{"length", 4}, {"path", list{"b"}}}}}};
  dict root{{"info", info},
            {"announce-list", list{list{"http://a"}, list{"udp://b", "udp://c"}}},
            {"url-list", "http://seed/"},
            {"comment", "hi"},
            {"creation date", 0}};
  auto m = parse_metainfo(bencode::encode(root));
  EXPECT_TRUE(m) << m.message();
  return *m;
}

}  // namespace

TEST(TorrentSummary, Json) {
  const auto m = sample();
  const auto v = boost::json::parse(ui::format_torrent_json(m)).as_object();
  EXPECT_EQ(v.at("info_hash").as_string(), m.info_hash_hex());
  EXPECT_EQ(v.at("name").as_string(), "dir");
  EXPECT_EQ(v.at("length").as_int64(), 14);  // the real files; the 6 pad bytes are apart
  EXPECT_EQ(v.at("piece_length").as_int64(), 16);
  EXPECT_EQ(v.at("piece_count").as_int64(), 2);
  EXPECT_TRUE(v.at("private").as_bool());
  EXPECT_EQ(v.at("announce").as_array().size(), 2u);
  EXPECT_EQ(v.at("announce").as_array()[1].as_array()[1].as_string(), "udp://c");
  EXPECT_EQ(v.at("web_seeds").as_array()[0].as_string(), "http://seed/");
  EXPECT_EQ(v.at("creation_date").as_int64(), 0);
  const auto& files = v.at("files").as_array();
  ASSERT_EQ(files.size(), 2u);  // the pad file is left out
  EXPECT_EQ(files[0].as_object().at("path").as_string(), "dir/a_.txt");
  EXPECT_EQ(files[1].as_object().at("path").as_string(), "dir/b");
  EXPECT_EQ(v.at("pad_files").as_int64(), 1);
  EXPECT_EQ(v.at("pad_bytes").as_int64(), 6);
}

TEST(TorrentSummary, Text) {
  const auto text = ui::format_torrent_summary(sample());
  EXPECT_NE(text.find("(14 bytes)"), std::string::npos);
  EXPECT_NE(text.find("+1 pad files, 6 bytes"), std::string::npos);
  EXPECT_NE(text.find("private:       yes"), std::string::npos);
  EXPECT_NE(text.find("tier 1: udp://c"), std::string::npos);
  EXPECT_NE(text.find("dir/b"), std::string::npos);
  EXPECT_NE(text.find("1970-01-01 00:00:00 UTC"), std::string::npos);
  EXPECT_NE(text.find("+1 pad files"), std::string::npos);
  EXPECT_EQ(text.find(".pad"), std::string::npos);
}

TEST(TorrentSummary, RunReportsOneLineAndStatus2) {
  std::ostringstream out, err;
  EXPECT_EQ(ui::run_torrent_info("/nonexistent.torrent", true, out, err), 2);
  EXPECT_EQ(out.str(), "");
  const std::string message = err.str();
  EXPECT_EQ(message.rfind("torrent-info: /nonexistent.torrent: ", 0), 0u);
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1);
}
