// BEP 6 fast extension: the five messages' codecs and the canonical Allowed Fast set.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "shoal/wire/allowed_fast.hpp"
#include "shoal/wire/encode.hpp"
#include "shoal/wire/frame_decoder.hpp"

using namespace shoal;
using namespace shoal::wire;

namespace {
wire_limits fast_limits() { return make_wire_limits(10, 32 * 1024, 1000); }

message decode_one(const std::string& bytes, const wire_limits& l = fast_limits()) {
  auto s = decode_frame(bytes, l);
  EXPECT_EQ(s.kind, decode_step::ok) << s.error;
  EXPECT_EQ(s.consumed, bytes.size());
  return s.msg;
}

std::string fail_text(const std::string& bytes, const wire_limits& l = fast_limits()) {
  auto s = decode_frame(bytes, l);
  EXPECT_EQ(s.kind, decode_step::fail);
  return s.error;
}
}  // namespace

TEST(FastExtension, MessagesRoundTrip) {
  std::string b;
  append_suggest(b, 7);
  EXPECT_EQ(b, std::string("\0\0\0\x05\x0d\0\0\0\x07", 9));
  auto m = decode_one(b);
  EXPECT_EQ(m.id, message_id::suggest);
  EXPECT_EQ(m.index, 7u);

  b.clear();
  append_simple(b, message_id::have_all);
  EXPECT_EQ(b, std::string("\0\0\0\x01\x0e", 5));
  EXPECT_EQ(decode_one(b).id, message_id::have_all);
  b.clear();
  append_simple(b, message_id::have_none);
  EXPECT_EQ(decode_one(b).id, message_id::have_none);

  b.clear();
  append_reject(b, 9, 0, 1000);
  EXPECT_EQ(b.size(), 17u);
  EXPECT_EQ(b[4], '\x10');
  m = decode_one(b);
  EXPECT_EQ(m.id, message_id::reject);
  EXPECT_EQ(m.index, 9u);
  EXPECT_EQ(m.length, 1000u);

  b.clear();
  append_allowed_fast(b, 3);
  m = decode_one(b);
  EXPECT_EQ(m.id, message_id::allowed_fast);
  EXPECT_EQ(m.index, 3u);
}

TEST(FastExtension, BadFramesAreNamed) {
  std::string b;
  append_suggest(b, 10);  // 10 pieces: indexes 0..9
  EXPECT_EQ(fail_text(b), "suggest piece: index 10 out of range (10 pieces)");
  b.clear();
  append_allowed_fast(b, 99);
  EXPECT_EQ(fail_text(b), "allowed fast: index 99 out of range (10 pieces)");
  b.clear();
  append_reject(b, 9, 900, 200);  // the last piece has 1000 bytes
  EXPECT_EQ(fail_text(b), "reject request: block 900+200 past the end of piece 9 (1000 bytes)");
  EXPECT_EQ(fail_text(std::string("\0\0\0\x02\x0e\x00", 6)), "have all: frame length 2, expected 1");
  EXPECT_EQ(fail_text(std::string("\0\0\0\x04\x11\0\0\0", 8)), "allowed fast: frame length 4, expected 5");
}

TEST(FastExtension, BeforeTheMetadataIndexesAreNotChecked) {
  wire_limits l;
  l.geometry_unknown = true;
  std::string b;
  append_allowed_fast(b, 1234);
  EXPECT_EQ(decode_one(b, l).index, 1234u);
  b.clear();
  append_suggest(b, 5);
  EXPECT_EQ(decode_one(b, l).index, 5u);
}

// BEP 6's published vectors: IP 80.4.4.200, info-hash 20 x 0xAA, 1313 pieces.
TEST(AllowedFast, Bep6ExampleVectors) {
  sha1_digest ih;
  ih.bytes.fill(0xAA);
  const std::array<std::uint8_t, 4> ip{80, 4, 4, 200};
  EXPECT_EQ(allowed_fast_set(ip, ih, 1313, 7), (std::vector<std::uint32_t>{1059, 431, 808, 1217, 287, 376, 1188}));
  EXPECT_EQ(allowed_fast_set(ip, ih, 1313, 9),
            (std::vector<std::uint32_t>{1059, 431, 808, 1217, 287, 376, 1188, 353, 508}));
  // Only the /24 counts.
  EXPECT_EQ(allowed_fast_set({80, 4, 4, 1}, ih, 1313, 9), allowed_fast_set(ip, ih, 1313, 9));
  EXPECT_NE(allowed_fast_set({80, 4, 5, 200}, ih, 1313, 9), allowed_fast_set(ip, ih, 1313, 9));
}

TEST(AllowedFast, SmallTorrentsGetEveryPieceOnce) {
  sha1_digest ih;
  ih.bytes.fill(0x11);
  auto s = allowed_fast_set({10, 0, 0, 1}, ih, 4, 10);
  ASSERT_EQ(s.size(), 4u);
  std::sort(s.begin(), s.end());
  EXPECT_EQ(s, (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_TRUE(allowed_fast_set({10, 0, 0, 1}, ih, 0, 10).empty());
}
