#include <gtest/gtest.h>

#include "shoal/tracker/server/store_location.hpp"

using namespace shoal;
using namespace shoal::tracker;

TEST(StoreLocation, MemoryAndRedisForms) {
  auto m = parse_store_location("memory");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, store_location::kind::memory);
  EXPECT_EQ(m->str(), "memory");

  auto r = parse_store_location("redis://127.0.0.1:6390/3");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->type, store_location::kind::redis);
  EXPECT_EQ(r->host, "127.0.0.1");
  EXPECT_EQ(r->port, 6390);
  EXPECT_EQ(r->db, 3);
  EXPECT_EQ(r->str(), "redis://127.0.0.1:6390/3");

  r = parse_store_location("redis://cache.example");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->port, 6379);
  EXPECT_EQ(r->db, 0);
  r = parse_store_location("redis://[::1]:7000/");
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->host, "::1");
  EXPECT_EQ(r->port, 7000);
  EXPECT_EQ(r->str(), "redis://[::1]:7000/0");
}

TEST(StoreLocation, BadFormsNameWhatIsWrong) {
  const std::pair<const char*, const char*> bad[] = {
      {"", "unknown store"},
      {"mem", "unknown store"},
      {"http://x:1", "unknown store"},
      {"redis://", "missing host"},
      {"redis://:6379", "missing host"},
      {"redis://h:", "empty port"},
      {"redis://h:0", "port must be 1-65535"},
      {"redis://h:65536", "port must be 1-65535"},
      {"redis://h:12x", "port must be 1-65535"},
      {"redis://h:1/x", "database must be a number"},
      {"redis://h:1/-1", "database must be a number"},
      {"redis://u:p@h:1", "credentials"},
      {"redis://::1:6379", "brackets"},
      {"redis://[::1:6379", "unclosed"},
  };
  for (const auto& [text, why] : bad) {
    auto r = parse_store_location(text);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.message().find(why), std::string::npos) << text << ": " << r.message();
    EXPECT_EQ(r.message().find(text), 0u) << "names the text: " << r.message();
    EXPECT_NE(r.message().find("expected memory or redis://"), std::string::npos) << r.message();
  }
}
