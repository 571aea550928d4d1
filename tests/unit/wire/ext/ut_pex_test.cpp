#include <gtest/gtest.h>

#include <string>

#include "shoal/bencode/encode.hpp"
#include "shoal/wire/ext/ut_pex.hpp"

using namespace shoal::wire::ext;
using shoal::peer_address;

namespace {

peer_address addr(const char* text) { return *peer_address::parse(text); }

std::string dict(std::initializer_list<std::pair<const char*, std::string>> entries) {
  shoal::bencode::dict d;
  for (const auto& [k, v] : entries) d.emplace(k, v);
  return shoal::bencode::encode(shoal::bencode::value(std::move(d)));
}

std::string compact_v4(int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    s += {10, static_cast<char>(i >> 16), static_cast<char>(i >> 8), static_cast<char>(i), 0x1a, static_cast<char>(0xe1)};
  }
  return s;
}

}  // namespace

TEST(UtPex, RoundTripBothFamilies) {
  pex_message m;
  m.added = {{addr("10.0.0.1:6881"), pex_flag::seed | pex_flag::supports_utp},
             {addr("192.168.1.2:51413"), 0},
             {addr("[2001:db8::1]:6881"), pex_flag::reachable}};
  m.dropped = {addr("10.0.0.9:1000"), addr("[::1]:2")};
  auto back = decode_pex(encode_pex(m));
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->added, m.added);
  EXPECT_EQ(back->dropped, m.dropped);
  EXPECT_EQ(back->skipped, 0u);
}

TEST(UtPex, FlagsOptionalAndEmptyMessageFine) {
  auto m = decode_pex(dict({{"added", compact_v4(2)}}));
  ASSERT_TRUE(m) << m.message();
  ASSERT_EQ(m->added.size(), 2u);
  EXPECT_EQ(m->added[1].address.to_string(), "10.0.0.1:6881");
  EXPECT_EQ(m->added[1].flags, 0);
  EXPECT_TRUE(decode_pex("de"));
}

TEST(UtPex, ThousandsOfPeersCappedNotStored) {
  auto m = decode_pex(dict({{"added", compact_v4(5000)}, {"added.f", std::string(5000, '\x02')},
                            {"dropped", compact_v4(3000)}}));
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->added.size(), 200u);
  EXPECT_EQ(m->dropped.size(), 200u);
  EXPECT_EQ(m->skipped, 4800u + 2800u);
  EXPECT_EQ(m->added.back().flags, pex_flag::seed);
  pex_limits small{.max_added = 3, .max_dropped = 0};
  auto s = decode_pex(dict({{"added", compact_v4(10)}, {"dropped", compact_v4(1)}}), small);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->added.size(), 3u);
  EXPECT_TRUE(s->dropped.empty());
}

TEST(UtPex, PortZeroSkipped) {
  std::string zero = {1, 2, 3, 4, 0, 0};
  auto m = decode_pex(dict({{"added", zero + compact_v4(1)}}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->added.size(), 1u);
  EXPECT_EQ(m->skipped, 1u);
}

TEST(UtPex, MalformedRefused) {
  auto fail = [](const std::string& payload) {
    auto m = decode_pex(payload);
    EXPECT_FALSE(m);
    return m ? std::string{} : m.message();
  };
  EXPECT_EQ(fail(dict({{"added", std::string(13, 'a')}})), "ut_pex: added has 13 bytes, not a multiple of 6");
  EXPECT_EQ(fail(dict({{"dropped6", std::string(20, 'a')}})), "ut_pex: dropped6 has 20 bytes, not a multiple of 18");
  EXPECT_EQ(fail(dict({{"added", compact_v4(2)}, {"added.f", "x"}})), "ut_pex: added.f has 1 flags for 2 peers");
  EXPECT_EQ(fail("d5:addedi1ee"), "ut_pex: added is a integer, not a string");
  EXPECT_EQ(fail("le"), "ut_pex: a list, not a dictionary");
  EXPECT_FALSE(decode_pex("d5:added"));
  EXPECT_FALSE(decode_pex("garbage"));
  EXPECT_FALSE(decode_pex(std::string(70 * 1024, 'd')));
}
