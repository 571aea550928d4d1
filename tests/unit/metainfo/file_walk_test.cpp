#include "shoal/metainfo/file_walk.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fixtures.hpp"

namespace shoal {
namespace {

namespace fs = std::filesystem;

class FileWalkTest : public test::scratch_dir {
 protected:
  void SetUp() override {
    scratch_dir::SetUp();
    fs::create_directories(dir / "root");
  }

  void write(const std::string& rel, std::size_t size) {
    const fs::path p = dir / "root" / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << std::string(size, 'x');
  }

  static std::vector<std::string> paths(const source_tree& t) {
    std::vector<std::string> out;
    for (const auto& f : t.files) {
      std::string s;
      for (const auto& c : f.components) s += (s.empty() ? "" : "/") + c;
      out.push_back(s);
    }
    return out;
  }

};

TEST_F(FileWalkTest, SortsByPathBytesAndSkipsHiddenAndEmptyFolders) {
  write("b", 1);
  write("a/z", 2);
  write("a-c", 3);
  write("B", 4);
  write(".hidden", 5);
  write("d/.git/config", 6);
  fs::create_directories(dir / "root" / "empty" / "deeper");
  auto t = walk_source(dir / "root");
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->name, "root");
  EXPECT_TRUE(t->multi_file);
  // '-' (0x2d) sorts before '/' (0x2f), upper case before lower case.
  EXPECT_EQ(paths(*t), (std::vector<std::string>{"B", "a-c", "a/z", "b"}));
  EXPECT_EQ(t->total_length, 10);
  EXPECT_EQ(t->skipped.size(), 2u);
}

TEST_F(FileWalkTest, IncludeHiddenKeepsDotNames) {
  write("x", 1);
  write(".h/y", 2);
  auto t = walk_source(dir / "root", {.include_hidden = true});
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(paths(*t), (std::vector<std::string>{".h/y", "x"}));
}

TEST_F(FileWalkTest, SingleFileAndTrailingSlashNames) {
  write("one.bin", 7);
  auto t = walk_source(dir / "root" / "one.bin");
  ASSERT_TRUE(t) << t.message();
  EXPECT_FALSE(t->multi_file);
  EXPECT_EQ(t->name, "one.bin");
  EXPECT_EQ(t->total_length, 7);
  auto slash = walk_source((dir / "root").string() + "/");
  ASSERT_TRUE(slash) << slash.message();
  EXPECT_EQ(slash->name, "root");
}

TEST(SourceName, IsTheLastComponentOfTheNormalizedPath) {
  EXPECT_EQ(source_name("/a/b/c.iso"), "c.iso");
  EXPECT_EQ(source_name("/a/b/"), "b");
  EXPECT_EQ(source_name("/a/b/./"), "b");
  EXPECT_EQ(source_name("/a/b/c/.."), "b");
  EXPECT_EQ(source_name("."), std::filesystem::current_path().filename().string());
  EXPECT_EQ(source_name("/"), "");
}

TEST_F(FileWalkTest, FollowsFileSymlinksButNotFolderOrBrokenOnes) {
  write("real/f", 3);
  fs::create_symlink(dir / "root" / "real" / "f", dir / "root" / "link");
  fs::create_directory_symlink(dir / "root" / "real", dir / "root" / "dirlink");
  fs::create_symlink(dir / "nowhere", dir / "root" / "broken");
  auto t = walk_source(dir / "root");
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(paths(*t), (std::vector<std::string>{"link", "real/f"}));
  EXPECT_EQ(t->skipped.size(), 2u);
}

TEST_F(FileWalkTest, EmptyInputIsRefusedWithAReason) {
  fs::create_directories(dir / "root" / "empty");
  write(".only-hidden", 3);
  auto t = walk_source(dir / "root");
  ASSERT_FALSE(t);
  EXPECT_NE(t.message().find("no files"), std::string::npos) << t.message();
  write("zero", 0);
  auto z = walk_source(dir / "root");
  ASSERT_FALSE(z);
  EXPECT_NE(z.message().find("empty"), std::string::npos) << z.message();
  EXPECT_FALSE(walk_source(dir / "missing"));
}

}  // namespace
}  // namespace shoal
