#include "shoal/ui/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace shoal::ui {
namespace {

TEST(Progress, FormatsBytesAndDurations) {
  EXPECT_EQ(format_bytes(17), "17 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(3.0 * (1 << 30)), "3.0 GiB");
  EXPECT_EQ(format_duration(7), "0:07");
  EXPECT_EQ(format_duration(754), "12:34");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(Progress, PlainLineHasPercentRateEtaAndSuffix) {
  const progress_sample s{512 << 20, 1024 << 20, 2.0, "3 peers"};
  EXPECT_EQ(format_progress_line("hashing", s), "hashing:  50.0% (512.0 MiB of 1.0 GiB), 256.0 MiB/s, ETA 0:02  3 peers");
}

TEST(Progress, BarFillsWithProgress) {
  const progress_sample s{25, 100, 1.0, {}};
  EXPECT_EQ(format_progress_bar("x", s, 8), "x [##      ]  25.0%  25 B/s  ETA 0:03");
  const progress_sample unknown{25, 0, 0.0, {}};
  EXPECT_EQ(format_progress_bar("x", unknown, 8), "x 25 B  0 B/s");
}

TEST(Progress, MeterPrintsFinalLineWhenNotATerminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  progress_meter meter(f, "hashing", 1000, false, std::chrono::hours(1));
  meter.update(10);  // within the interval: nothing
  meter.finish(1000, "done");
  std::rewind(f);
  char buf[256] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const std::string text(buf, n);
  EXPECT_EQ(text.rfind("hashing: 100.0% (1000 B of 1000 B)", 0), 0u) << text;
  EXPECT_NE(text.find("done\n"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line only: " << text;
}

}  // namespace
}  // namespace shoal::ui
