#include <gtest/gtest.h>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/metainfo/path_sanitize.hpp"
#include "torrent_builder.hpp"

using namespace shoal;
using namespace shoal::test;

TEST(SanitizePathElement, DropsDotsAndSeparatorOnlyElements) {
  EXPECT_EQ(sanitize_path_element("."), "");
  EXPECT_EQ(sanitize_path_element(".."), "");
  EXPECT_EQ(sanitize_path_element("/"), "");
  EXPECT_EQ(sanitize_path_element("\\"), "");
  EXPECT_EQ(sanitize_path_element("/.."), "");
  EXPECT_EQ(sanitize_path_element("..\\"), "");
  EXPECT_EQ(sanitize_path_element("..."), "...");  // a legal name, not a parent reference
}

TEST(SanitizePathElement, RemovesSeparatorsInside) {
  EXPECT_EQ(sanitize_path_element("/foobar"), "foobar");
  EXPECT_EQ(sanitize_path_element("a/../../b"), "a....b");
  EXPECT_EQ(sanitize_path_element("c:\\windows"), "c:windows");
}

TEST(SanitizePathElement, ReplacesControlAndInvalidUtf8) {
  EXPECT_EQ(sanitize_path_element(std::string("a\0b", 3)), "a_b");
  EXPECT_EQ(sanitize_path_element("a\nb"), "a_b");
  EXPECT_EQ(sanitize_path_element("a\xff" "b"), "a_b");
  EXPECT_EQ(sanitize_path_element("\xc3\xa4"), "\xc3\xa4");          // valid UTF-8 kept
  EXPECT_EQ(sanitize_path_element("\xc0\xaf"), "_");                  // overlong '/' refused
  EXPECT_EQ(sanitize_path_element("a\xe2\x80\xae" "b"), "ab");        // right-to-left override dropped
}

TEST(SanitizePathElement, EmptyBecomesUnderscore) { EXPECT_EQ(sanitize_path_element(""), "_"); }

TEST(SanitizePathElement, LongElementShortenedKeepingExtension) {
  const std::string long_name = std::string(300, 'a') + ".mkv";
  const auto s = sanitize_path_element(long_name);
  EXPECT_LE(s.size(), 240u);
  EXPECT_EQ(s.substr(s.size() - 4), ".mkv");
  // Never split a multi-byte character.
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += "\xc3\xa4";
  const auto w = sanitize_path_element(wide);
  EXPECT_LE(w.size(), 240u);
  EXPECT_EQ(w.size() % 2, 0u);
}

namespace {

std::vector<std::string> paths_of(list files) {
  auto r = parse_metainfo(torrent(multi_info(std::move(files))));
  EXPECT_TRUE(r) << r.message();
  std::vector<std::string> out;
  if (r)
    for (const auto& f : r->files) out.push_back(f.path());
  return out;
}

}  // namespace

TEST(UnsafePaths, NeverLeaveTheFolder) {
  EXPECT_EQ(paths_of(list{file(1, list{"..", "..", "etc", "passwd"})}), std::vector<std::string>{"dir/etc/passwd"});
  EXPECT_EQ(paths_of(list{file(1, list{"/etc", "passwd"})}), std::vector<std::string>{"dir/etc/passwd"});
  EXPECT_EQ(paths_of(list{file(1, list{"", ""})}), std::vector<std::string>{"dir/_/_"});
  EXPECT_EQ(paths_of(list{file(1, list{"a/b", "c\\d"})}), std::vector<std::string>{"dir/ab/cd"});
  EXPECT_EQ(paths_of(list{file(1, list{".", ".."})}), std::vector<std::string>{"dir/_"});
  EXPECT_EQ(paths_of(list{file(1, list{std::string("nul\0x", 5)})}), std::vector<std::string>{"dir/nul_x"});
}

TEST(UnsafePaths, FolderNameOfDotsBecomesInfoHash) {
  auto info = multi_info(list{file(1, list{"a"})});
  info["name"] = "..";
  auto r = parse_metainfo(torrent(info));
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->name, r->info_hash_hex());
  EXPECT_EQ(r->files[0].path(), r->info_hash_hex() + "/a");
}
