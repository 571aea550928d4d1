#include "shoal/daemon/watch_dir.hpp"

#include <fstream>

#include "fixtures.hpp"

namespace shoal::daemon {
namespace {

using watch_dir_test = test::scratch_dir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

void write(const fs::path& p, std::string_view bytes) { std::ofstream(p, std::ios::binary) << bytes; }

TEST_F(watch_dir_test, adds_good_files_and_sets_bad_ones_aside) {
  write(dir / "good.torrent", "GOOD");
  write(dir / "bad.torrent", "BAD");
  write(dir / "notes.txt", "not a torrent name");
  watch_dir w(dir, 0ms);
  std::vector<std::string> seen;
  auto report = w.scan([&](const fs::path& file, std::string_view bytes) -> status {
    seen.push_back(file.filename().string() + "=" + std::string(bytes));
    if (bytes == "BAD") return error{error_code::invalid_data, "info: missing"};
    return ok();
  });
  EXPECT_EQ(report.added, 1u);
  EXPECT_EQ(report.invalid, 1u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"bad.torrent=BAD", "good.torrent=GOOD"}));
  EXPECT_TRUE(fs::exists(dir / "good.torrent.added"));
  EXPECT_TRUE(fs::exists(dir / "bad.torrent.invalid"));
  EXPECT_FALSE(fs::exists(dir / "good.torrent"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  // Handed over once: the next scan finds nothing new.
  report = w.scan([&](const fs::path&, std::string_view) -> status { return ok(); });
  EXPECT_EQ(report.added + report.invalid, 0u);
  // The same name dropped again: the earlier .added is kept, the new one gets its own name.
  write(dir / "good.torrent", "GOOD2");
  report = w.scan([&](const fs::path&, std::string_view) -> status { return ok(); });
  EXPECT_EQ(report.added, 1u);
  EXPECT_EQ(test::read_file(dir / "good.torrent.added"), "GOOD");
  EXPECT_EQ(test::read_file(dir / "good.torrent.added.1"), "GOOD2");
}

TEST_F(watch_dir_test, a_fresh_file_waits_until_it_stops_changing) {
  watch_dir w(dir, 1h);  // "old enough" never holds here: only an unchanged size and time do
  write(dir / "x.torrent", "PART");
  std::size_t calls = 0;
  auto add = [&](const fs::path&, std::string_view bytes) -> status {
    ++calls;
    EXPECT_EQ(bytes, "PARTREST");
    return ok();
  };
  EXPECT_EQ(w.scan(add).added, 0u);  // first sight: maybe still being written
  write(dir / "x.torrent", "PARTREST");
  EXPECT_EQ(w.scan(add).added, 0u);  // it changed since
  EXPECT_EQ(w.scan(add).added, 1u);  // unchanged from one scan to the next
  EXPECT_EQ(calls, 1u);
}

TEST_F(watch_dir_test, an_oversized_file_is_invalid_without_reading_it) {
  {
    std::ofstream f(dir / "huge.torrent", std::ios::binary);
    f.seekp((10 << 20) + 1);
    f.put('x');
  }
  watch_dir w(dir, 0ms);
  auto report = w.scan([](const fs::path&, std::string_view) -> status {
    ADD_FAILURE() << "never handed over";
    return ok();
  });
  EXPECT_EQ(report.invalid, 1u);
  EXPECT_TRUE(fs::exists(dir / "huge.torrent.invalid"));
}

TEST_F(watch_dir_test, a_missing_folder_is_no_error) {
  watch_dir w(dir / "nope", 0ms);
  auto report = w.scan([](const fs::path&, std::string_view) -> status { return ok(); });
  EXPECT_EQ(report.added + report.invalid, 0u);
}

}  // namespace
}  // namespace shoal::daemon
