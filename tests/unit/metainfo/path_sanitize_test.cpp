#include <gtest/gtest.h>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/metainfo/path_sanitize.hpp"
#include "fixtures.hpp"

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

TEST(SanitizePathElement, NamesUpTo255BytesKeptByteForByte) {
  // Anything a Linux file system holds must round-trip: mktorrent-lite made the torrent from it.
  for (std::size_t n : {240u, 241u, 254u, 255u}) {
    const std::string name = std::string(n - 4, 'a') + ".bin";
    bool shortened = true;
    EXPECT_EQ(sanitize_path_element(name, &shortened), name) << n;
    EXPECT_FALSE(shortened);
  }
}

TEST(SanitizePathElement, LongElementShortenedKeepingExtensionAndHash) {
  const std::string long_name = std::string(300, 'a') + ".mkv";
  bool shortened = false;
  const auto s = sanitize_path_element(long_name, &shortened);
  EXPECT_TRUE(shortened);
  EXPECT_EQ(s.size(), 255u);
  EXPECT_EQ(s.substr(s.size() - 4), ".mkv");
  EXPECT_EQ(s.substr(0, 242), std::string(242, 'a'));
  EXPECT_EQ(s[242], '~');
  // Deterministic (seed and leech must agree) and told apart from a name sharing the first 255 bytes.
  EXPECT_EQ(sanitize_path_element(long_name), s);
  const auto other = sanitize_path_element(std::string(300, 'a') + "b.mkv");
  EXPECT_NE(other, s);
  EXPECT_EQ(other.size(), 255u);
  // 256 bytes is one too many.
  EXPECT_EQ(sanitize_path_element(std::string(256, 'z')).size(), 255u);
  // Never split a multi-byte character.
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += "\xc3\xa4";
  const auto w = sanitize_path_element(wide);
  EXPECT_LE(w.size(), 255u);
  EXPECT_EQ(w.find('~') % 2, 0u);
  EXPECT_TRUE(w.starts_with("\xc3\xa4"));
}

TEST(SanitizePathElement, FitPathElement) {
  bool shortened = true;
  EXPECT_EQ(fit_path_element("short.txt", &shortened), "short.txt");
  EXPECT_FALSE(shortened);
  const std::string name = std::string(256, 'x') + ".txt";
  EXPECT_EQ(fit_path_element(name, &shortened), sanitize_path_element(name));
  EXPECT_TRUE(shortened);
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
