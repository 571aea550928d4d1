#include <gtest/gtest.h>

#include <string>

#include "shoal/wire/ext/ut_metadata.hpp"

using namespace shoal::wire::ext;

namespace {
constexpr std::int64_t kib16 = 16 * 1024;
}

TEST(UtMetadata, PieceCountAndLengths) {
  EXPECT_EQ(*metadata_piece_count(1), 1u);
  EXPECT_EQ(*metadata_piece_count(kib16), 1u);
  EXPECT_EQ(*metadata_piece_count(kib16 + 1), 2u);
  EXPECT_EQ(*metadata_piece_count(std::int64_t{4} << 20), 256u);
  EXPECT_EQ(metadata_piece_length(kib16 + 1, 0), kib16);
  EXPECT_EQ(metadata_piece_length(kib16 + 1, 1), 1);
  EXPECT_EQ(metadata_piece_length(kib16 + 1, 2), 0);
}

TEST(UtMetadata, SizeAboveLimitRefused) {
  auto c = metadata_piece_count((std::int64_t{4} << 20) + 1);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.message(), "metadata size 4194305 above the limit of 4194304");
  EXPECT_FALSE(metadata_piece_count(0));
  EXPECT_FALSE(metadata_piece_count(-1));
  EXPECT_TRUE(metadata_piece_count(8 << 20, {.max_metadata_size = 8 << 20}));
  // A data message claiming a huge total_size is refused before anything is sized for it.
  auto m = decode_metadata_message("d8:msg_typei1e5:piecei0e10:total_sizei9000000000000ee" + std::string(10, 'x'), 0);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.message(), "ut_metadata: total_size: metadata size 9000000000000 above the limit of 4194304");
}

TEST(UtMetadata, RequestAndRejectRoundTrip) {
  auto r = decode_metadata_message(encode_metadata_request(2), 3 * kib16);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->type, metadata_msg_type::request);
  EXPECT_EQ(r->piece, 2u);
  auto j = decode_metadata_message(encode_metadata_reject(0), 0);
  ASSERT_TRUE(j) << j.message();
  EXPECT_EQ(j->type, metadata_msg_type::reject);
  EXPECT_EQ(encode_metadata_request(1), "d8:msg_typei0e5:piecei1ee");
}

TEST(UtMetadata, DataCarriesTrailingBytes) {
  const std::int64_t total = kib16 + 100;
  std::string first(kib16, 'a'), last(100, 'b');
  const std::string payload0 = encode_metadata_data(0, total, first);
  auto d0 = decode_metadata_message(payload0, 0);
  ASSERT_TRUE(d0) << d0.message();
  EXPECT_EQ(d0->type, metadata_msg_type::data);
  EXPECT_EQ(d0->total_size, total);
  EXPECT_EQ(d0->data, first);
  std::string payload = encode_metadata_data(1, total, last);
  auto d1 = decode_metadata_message(payload, total);
  ASSERT_TRUE(d1) << d1.message();
  EXPECT_EQ(d1->data, last);
  EXPECT_EQ(d1->data.data(), payload.data() + payload.size() - 100);  // a view, not a copy
}

TEST(UtMetadata, BadMessagesRefused) {
  const std::int64_t total = 2 * kib16 + 5;
  auto fail = [](const std::string& payload, std::int64_t known) {
    auto m = decode_metadata_message(payload, known);
    EXPECT_FALSE(m) << payload.substr(0, 60);
    return m ? std::string{} : m.message();
  };
  EXPECT_EQ(fail(encode_metadata_data(0, total, std::string(kib16 - 1, 'a')), 0),
            "ut_metadata: piece 0 carries 16383 bytes, expected 16384");
  EXPECT_EQ(fail(encode_metadata_data(2, total, std::string(6, 'a')), total),
            "ut_metadata: piece 2 carries 6 bytes, expected 5");
  EXPECT_EQ(fail(encode_metadata_data(3, total, "x"), 0), "ut_metadata: piece 3 beyond the 3 pieces of the metadata");
  EXPECT_EQ(fail(encode_metadata_data(0, total, std::string(kib16, 'a')), total + 1),
            "ut_metadata: total_size 32773 differs from the expected 32774");
  EXPECT_EQ(fail(encode_metadata_request(3), total), "ut_metadata: piece 3 beyond the 3 pieces of the metadata");
  EXPECT_EQ(fail(encode_metadata_request(256), 0), "ut_metadata: piece 256 beyond the 256 pieces of the metadata");
  EXPECT_EQ(fail("d8:msg_typei0e5:piecei-1ee", 0), "ut_metadata: piece -1 beyond the 256 pieces of the metadata");
  EXPECT_EQ(fail(encode_metadata_request(0) + "xx", 0), "ut_metadata: 2 bytes after a request");
  EXPECT_EQ(fail("d5:piecei0ee", 0), "ut_metadata: no msg_type");
  EXPECT_EQ(fail("d8:msg_type1:x5:piecei0ee", 0), "ut_metadata: msg_type is a string, not an integer");
  EXPECT_EQ(fail("d8:msg_typei1e5:piecei0ee", 0), "ut_metadata: no total_size");
  EXPECT_EQ(fail("li1ee", 0), "ut_metadata: a list, not a dictionary");
  EXPECT_FALSE(decode_metadata_message("", 0));
  EXPECT_FALSE(decode_metadata_message("d8:msg_typ", 0));
  EXPECT_FALSE(decode_metadata_message(std::string(5000, 'd'), 0));  // deep nesting: bounded
}

TEST(UtMetadata, UnknownTypeIsIgnorable) {
  auto m = decode_metadata_message("d8:msg_typei7e5:piecei0ee", 0);
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->type, metadata_msg_type::unknown);
  EXPECT_EQ(m->raw_type, 7);
}
