// Every path stays under the output folder: "..", symlinks planted in the folder, FIFOs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "shoal/storage/check.hpp"
#include "shoal/storage/confined_open.hpp"
#include "shoal/storage/storage.hpp"
#include "fixtures.hpp"

using namespace shoal;
using namespace shoal::test;
namespace fs = std::filesystem;

using confinement_test = scratch_dir;

TEST_F(confinement_test, DotDotComponentsRefused) {
  auto m = make_torrent("t", {{"a", 4}}, 16);
  m.files[0].components = {"t", "..", "..", "escape"};
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "open t/../../escape: path component \".\" or \"..\"");
  EXPECT_FALSE(fs::exists(dir / "escape"));
  m.files[0].components = {"t", "a/b"};
  EXPECT_FALSE(storage::open(m, root, storage::open_mode::create));
  m.files[0].components = {"t", ""};
  EXPECT_FALSE(storage::open(m, root, storage::open_mode::create));
}

TEST_F(confinement_test, SymlinkedFolderInRootRefused) {
  const auto m = make_torrent("t", {{"a", 4}}, 16);
  fs::create_directories(root);
  fs::create_directories(dir / "elsewhere");
  fs::create_directory_symlink(dir / "elsewhere", root / "t");
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "open folder t: is a symbolic link (refusing to leave the output folder)");
  EXPECT_FALSE(fs::exists(dir / "elsewhere/a"));
  auto have = check_existing(m, root, 1);
  ASSERT_FALSE(have);
  EXPECT_NE(have.message().find("symbolic link"), std::string::npos);
}

TEST_F(confinement_test, SymlinkedFileRefused) {
  const auto m = make_torrent("t", {{"a", 4}}, 16);
  fs::create_directories(root / "t");
  { std::ofstream(dir / "victim") << "keep"; }
  fs::create_symlink(dir / "victim", root / "t/a");
  auto st = storage::open(m, root, storage::open_mode::create);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "create t/a: is a symbolic link (refusing to leave the output folder)");
  EXPECT_EQ(read_file(dir / "victim"), "keep");
  EXPECT_FALSE(storage::open(m, root, storage::open_mode::read_only));
}

TEST_F(confinement_test, SingleFileSymlinkRefused) {
  const auto m = make_torrent("f.bin", {{"", 4}}, 16);
  fs::create_directories(root);
  { std::ofstream(dir / "victim") << "keep"; }
  fs::create_symlink(dir / "victim", root / "f.bin");
  EXPECT_FALSE(storage::open(m, root, storage::open_mode::create));
  EXPECT_EQ(read_file(dir / "victim"), "keep");
}

TEST_F(confinement_test, FifoRefusedWithoutHanging) {
  const auto m = make_torrent("f.bin", {{"", 4}}, 16);
  fs::create_directories(root);
  ASSERT_EQ(::mkfifo((root / "f.bin").c_str(), 0644), 0);
  auto st = storage::open(m, root, storage::open_mode::read_only);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.message(), "open f.bin: not a regular file");
}

TEST_F(confinement_test, RootMayItselfBeASymlink) {
  // The user chose the folder; only what is inside it is confined.
  fs::create_directories(dir / "real");
  fs::create_directory_symlink(dir / "real", root);
  const auto m = make_torrent("f.bin", {{"", 4}}, 16);
  ASSERT_TRUE(storage::open(m, root, storage::open_mode::create));
  EXPECT_TRUE(fs::exists(dir / "real/f.bin"));
}

TEST(UnsafeComponent, Rules) {
  EXPECT_TRUE(unsafe_component("name.txt").empty());
  EXPECT_TRUE(unsafe_component("...").empty());
  EXPECT_FALSE(unsafe_component("").empty());
  EXPECT_FALSE(unsafe_component(".").empty());
  EXPECT_FALSE(unsafe_component("..").empty());
  EXPECT_FALSE(unsafe_component("a/b").empty());
  EXPECT_FALSE(unsafe_component(std::string_view("a\0b", 3)).empty());
}
