#include "shoal/ui/status_line.hpp"

#include <gtest/gtest.h>

namespace shoal::ui {
namespace {

transfer_status downloading() {
  transfer_status s;
  s.name = "debian-12.5.0-amd64-netinst.iso";
  s.done = 100 << 20;
  s.total = 400 << 20;
  s.download_rate = 3 << 20;
  s.upload_rate = 512 << 10;
  s.peers = 4;
  return s;
}

TEST(StatusLine, WideLineHasEveryField) {
  EXPECT_EQ(format_status_line(downloading(), 120),
            "debian-12.5.0-amd64-netinst.iso  100.0 MiB of 400.0 MiB (25%)  DL 3.0 MiB/s  UL 512.0 KiB/s  4 peers  "
            "ETA 1:40");
}

TEST(StatusLine, NeverWiderThanAsked) {
  for (std::size_t width = 1; width <= 130; ++width) {
    for (auto state : {transfer_status::phase::fetching_metadata, transfer_status::phase::queued,
                       transfer_status::phase::checking,
                       transfer_status::phase::downloading, transfer_status::phase::seeding,
                       transfer_status::phase::paused, transfer_status::phase::complete,
                       transfer_status::phase::failed}) {
      auto s = downloading();
      s.state = state;
      EXPECT_LE(display_width(format_status_line(s, width)), width) << width;
    }
  }
}

TEST(StatusLine, NarrowLineKeepsTotalRatePeersAndEta) {
  const auto line = format_status_line(downloading(), 59);
  EXPECT_LE(line.size(), 59u);
  EXPECT_NE(line.find("100.0 MiB of 400.0 MiB"), std::string::npos) << line;
  EXPECT_NE(line.find("3.0 MiB/s"), std::string::npos) << line;
  EXPECT_NE(line.find("4 peers"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 1:40"), std::string::npos) << line;
  EXPECT_EQ(line.rfind("debian", 0), 0u) << "the name is shortened, not dropped: " << line;
  EXPECT_NE(line.find("~ "), std::string::npos) << line;
}

TEST(StatusLine, StalledInsteadOfAnEtaWhenNothingArrives) {
  auto s = downloading();
  s.download_rate = 0;
  EXPECT_EQ(format_eta(s), "stalled");
  EXPECT_NE(format_status_line(s, 80).find("stalled"), std::string::npos);
  EXPECT_EQ(format_status_line(s, 80).find("ETA"), std::string::npos);
}

TEST(StatusLine, SeedingShowsUploads) {
  auto s = downloading();
  s.state = transfer_status::phase::seeding;
  s.uploaded = 3u << 30;
  EXPECT_EQ(format_status_line(s, 120), "debian-12.5.0-amd64-netinst.iso  seeding  UL 512.0 KiB/s  4 peers  uploaded 3.0 GiB");
}

TEST(StatusLine, FetchingMetadataShowsPeersNotASize) {
  auto s = downloading();
  s.state = transfer_status::phase::fetching_metadata;
  s.total = 0;
  EXPECT_EQ(format_status_line(s, 120), "debian-12.5.0-amd64-netinst.iso  fetching metadata  4 peers");
}

TEST(StatusLine, EscapesInANameNeverReachTheTerminal) {
  auto s = downloading();
  s.name = "evil\033[2Jname";
  EXPECT_EQ(format_status_line(s, 200).find('\033'), std::string::npos);
  EXPECT_EQ(format_status_plain(s).find('\033'), std::string::npos);
}

TEST(StatusLine, FitWidthCutsWholeCodePoints) {
  EXPECT_EQ(fit_width("abcdef", 6), "abcdef");
  EXPECT_EQ(fit_width("abcdef", 4), "abc~");
  EXPECT_EQ(fit_width("\xc3\xa9t\xc3\xa9s", 3), "\xc3\xa9t~");
  EXPECT_EQ(display_width("\xc3\xa9t\xc3\xa9"), 3u);
}

TEST(StatusLine, PlainLineForLogs) {
  EXPECT_EQ(format_status_plain(downloading()),
            "debian-12.5.0-amd64-netinst.iso: 100.0 MiB of 400.0 MiB (25%), DL 3.0 MiB/s, UL 512.0 KiB/s, 4 peers, "
            "ETA 1:40");
}

}  // namespace
}  // namespace shoal::ui
