#include <gtest/gtest.h>

#include "shoal/util/option_value.hpp"

using namespace shoal;

namespace {

const integer_range port{1, 65535};
const integer_range rate{0, std::int64_t{1} << 40, "unlimited", "bytes/s", true};

}  // namespace

TEST(OptionValue, IntegersInRange) {
  EXPECT_EQ(*parse_integer_value("6881", port), 6881);
  EXPECT_EQ(*parse_integer_value("1", port), 1);
  EXPECT_EQ(*parse_integer_value("65535", port), 65535);
  EXPECT_EQ(*parse_integer_value("0", rate), 0);
  EXPECT_EQ(*parse_integer_value("500K", rate), 512000);
  EXPECT_EQ(*parse_integer_value("2M", rate), 2 << 20);
  EXPECT_EQ(*parse_integer_value("1T", rate), std::int64_t{1} << 40);
}

TEST(OptionValue, RefusalsNameTheValueWhyAndTheRange) {
  EXPECT_EQ(parse_integer_value("70000", port).message(), "value '70000' is above 65535 (allowed: 1 to 65535)");
  EXPECT_EQ(parse_integer_value("0", port).message(), "value '0' is below 1 (allowed: 1 to 65535)");
  EXPECT_EQ(parse_integer_value("x", port).message(), "value 'x' is not a whole number (allowed: 1 to 65535)");
  EXPECT_EQ(parse_integer_value("5K", port).message(), "value '5K' is not a whole number (allowed: 1 to 65535)");
  EXPECT_EQ(parse_integer_value("99999999999999999999", port).message(),
            "value '99999999999999999999' is too large (allowed: 1 to 65535)");
  EXPECT_EQ(parse_integer_value("-5", rate).message(),
            "value '-5' is negative (allowed: 0 to 1T bytes/s, 0 = unlimited; suffixes K, M, G, T, K = 1024)");
  EXPECT_EQ(parse_integer_value("2T", rate).message(),
            "value '2T' is above 1T (allowed: 0 to 1T bytes/s, 0 = unlimited; suffixes K, M, G, T, K = 1024)");
  for (const char* bad : {"", "1.5", "-", "+5", " 5", "5 ", "1X"}) EXPECT_FALSE(parse_integer_value(bad, rate)) << bad;
}

TEST(OptionValue, Numbers) {
  const number_range ratio{0, 1e6, "seed until stopped"};
  EXPECT_DOUBLE_EQ(*parse_number_value("1.5", ratio), 1.5);
  EXPECT_DOUBLE_EQ(*parse_number_value("0", ratio), 0);
  EXPECT_EQ(parse_number_value("-1", ratio).message(),
            "value '-1' is below 0 (allowed: 0 to 1e+06, 0 = seed until stopped)");
  for (const char* bad : {"", "nan", "inf", "1e400", "1,5", "x"}) EXPECT_FALSE(parse_number_value(bad, ratio)) << bad;
}

TEST(OptionValue, Urls) {
  const std::vector<std::string> trackers{"http", "https", "udp"};
  for (const char* good : {"http://t.example/announce", "HTTP://t:8080/announce", "https://t/a?x=1", "udp://t:6969",
                           "udp://[::1]:6969/announce", "http://[2001:db8::1]/announce", "http://user@t/a"})
    EXPECT_TRUE(check_url_value(good, trackers)) << good;
  EXPECT_EQ(check_url_value("", trackers).message(),
            "value '' is empty (allowed: an http://, https:// or udp:// URL with a host)");
  EXPECT_EQ(check_url_value("notaurl", trackers).message(),
            "value 'notaurl' is not a URL (allowed: an http://, https:// or udp:// URL with a host)");
  const std::vector<std::string> bad{"ftp://t/a", "http:///announce", "udp://t/announce", "http://t:0/a",
                                     "http://t:70000/a", "http://t:/a", "http://t x/a", "http://[::1/a", "://t"};
  for (const auto& url : bad) {
    auto s = check_url_value(url, trackers);
    ASSERT_FALSE(s) << url;
    EXPECT_EQ(s.message().rfind("value '" + url + "' ", 0), 0u) << s.message();
  }
  EXPECT_EQ(describe_url({"http", "udp"}), "an http:// or udp:// URL with a host");
}
