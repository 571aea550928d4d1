// Every .torrent of libtorrent's test suite against what libtorrent 2.0.8 does with it
// (../shared/conformance, see its README). Skipped when the data is not there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shoal/metainfo/metainfo.hpp"

namespace {

const std::filesystem::path dir = SHOAL_SHARED_DIR "/conformance";

struct row {
  std::string file, outcome, v1_info_hash, has_v2, files_excluding_pad, total_size, error;
};

std::vector<row> read_rows() {
  std::vector<row> rows;
  std::ifstream in(dir / "libtorrent-expectations.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    cols.resize(7);
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]});
  }
  return rows;
}

// No path may lead outside the download folder, whatever libtorrent does.
void expect_safe_paths(const shoal::metainfo& m, const std::string& file) {
  for (const auto& f : m.files) {
    ASSERT_FALSE(f.components.empty()) << file;
    for (const auto& c : f.components) {
      EXPECT_FALSE(c.empty() || c == "." || c == "..") << file << ": " << f.path();
      EXPECT_EQ(c.find_first_of(std::string("/\\\0", 3)), std::string::npos) << file << ": " << f.path();
    }
  }
}

}  // namespace

TEST(Conformance, LibtorrentTestTorrents) {
  if (!std::filesystem::exists(dir / "libtorrent-expectations.tsv"))
    GTEST_SKIP() << "no conformance data at " << dir;
  const auto rows = read_rows();
  ASSERT_GT(rows.size(), 100u);
  for (const auto& r : rows) {
    SCOPED_TRACE(r.file);
    auto m = shoal::load_metainfo(dir / "libtorrent-torrents" / r.file);
    if (r.outcome == "load" && r.v1_info_hash != "-") {
      ASSERT_TRUE(m) << m.message();
      EXPECT_EQ(m->info_hash_hex(), r.v1_info_hash);
      long non_pad = 0;
      for (const auto& f : m->files) non_pad += f.pad ? 0 : 1;
      EXPECT_EQ(std::to_string(non_pad), r.files_excluding_pad);
      EXPECT_EQ(std::to_string(m->total_length), r.total_size);
      EXPECT_EQ(m->hybrid, r.has_v2 == "v2");
      expect_safe_paths(*m, r.file);
      // Names differ on purpose where an element is longer than 240 bytes (long_name.torrent): libtorrent cuts
      // it to 240, Shoal keeps up to 255 bytes (what the file system holds) and shortens beyond with a hash.
      for (const auto& f : m->files)
        for (const auto& c : f.components) EXPECT_LE(c.size(), 255u) << f.path();
    } else if (r.outcome == "load") {
      // v2-only: libtorrent loads it; Shoal refuses until it supports BEP 52.
      ASSERT_FALSE(m) << "v2-only torrent was accepted";
      EXPECT_NE(m.message().find("v2-only torrents are not supported yet"), std::string::npos) << m.message();
    } else {
      ASSERT_EQ(r.outcome, "fail");
      ASSERT_FALSE(m) << "libtorrent refuses this torrent (" << r.error << ") but Shoal loaded it";
      // "<path>: <field or decoder>: <what>", never an empty or bare message.
      EXPECT_NE(m.message().find(r.file + ": "), std::string::npos) << m.message();
      EXPECT_GT(m.message().size(), r.file.size() + 10) << m.message();
    }
  }
}
