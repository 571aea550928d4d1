#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "shoal/metainfo/metainfo.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;

namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& bytes) {
  auto p = std::filesystem::temp_directory_path() / ("shoal_metainfo_" + std::to_string(::getpid()) + name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

}  // namespace

TEST(LoadMetainfo, ReadsFile) {
  auto p = write_temp("ok.torrent", torrent(single_info()));
  auto r = load_metainfo(p);
  std::filesystem::remove(p);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->name, "file.bin");
}

TEST(LoadMetainfo, ErrorsStartWithThePath) {
  auto info = single_info();
  info["pieces"] = std::string(41, 'x');
  auto p = write_temp("bad.torrent", torrent(info));
  auto r = load_metainfo(p);
  std::filesystem::remove(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message(), p.string() + ": info.pieces: length 41 is not a multiple of 20");
}

TEST(LoadMetainfo, MissingFileAndSizeBound) {
  auto r = load_metainfo("/nonexistent/x.torrent");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.message().rfind("/nonexistent/x.torrent: ", 0), 0u);

  auto p = write_temp("big.torrent", torrent(single_info()));
  metainfo_limits limits;
  limits.max_file_size = 16;
  auto big = load_metainfo(p, limits);
  std::filesystem::remove(p);
  ASSERT_FALSE(big);
  EXPECT_NE(big.message().find("larger than the limit of 16 bytes"), std::string::npos);

  auto dir = load_metainfo(std::filesystem::temp_directory_path());
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.message().find("is a directory"), std::string::npos);
}
