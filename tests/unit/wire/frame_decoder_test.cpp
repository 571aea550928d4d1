#include "shoal/wire/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <string>

#include "shoal/util/big_endian.hpp"
#include "shoal/wire/encode.hpp"

using namespace shoal::wire;

namespace {

// 10 pieces of 32 KiB, the last one 1000 bytes.
wire_limits limits() { return make_wire_limits(10, 32 * 1024, 1000); }

std::string frame(std::uint32_t len, std::uint8_t id, std::string body = {}) {
  std::string out(4, '\0');
  shoal::store_be32(out.data(), len);
  out += static_cast<char>(id);
  return out + body;
}

std::string be32(std::uint32_t v) {
  std::string s(4, '\0');
  shoal::store_be32(s.data(), v);
  return s;
}

decode_step expect_fail(const std::string& bytes, const wire_limits& l, const std::string& reason) {
  auto s = decode_frame(bytes, l);
  EXPECT_EQ(s.kind, decode_step::fail) << "expected failure: " << reason;
  EXPECT_EQ(s.error, reason);
  return s;
}

}  // namespace

TEST(FrameDecoder, KeepAlive) {
  std::string buf;
  append_keep_alive(buf);
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::ok);
  EXPECT_TRUE(s.msg.keep_alive);
  EXPECT_EQ(s.consumed, 4u);
}

TEST(FrameDecoder, SimpleMessagesRoundTrip) {
  for (auto id : {message_id::choke, message_id::unchoke, message_id::interested, message_id::not_interested}) {
    std::string buf;
    append_simple(buf, id);
    EXPECT_EQ(buf.size(), 5u);
    auto s = decode_frame(buf, limits());
    ASSERT_EQ(s.kind, decode_step::ok) << s.error;
    EXPECT_FALSE(s.msg.keep_alive);
    EXPECT_EQ(s.msg.id, id);
    EXPECT_EQ(s.consumed, 5u);
  }
}

TEST(FrameDecoder, HaveRoundTrip) {
  std::string buf;
  append_have(buf, 9);
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::ok) << s.error;
  EXPECT_EQ(s.msg.id, message_id::have);
  EXPECT_EQ(s.msg.index, 9u);
  EXPECT_EQ(s.consumed, 9u);
}

TEST(FrameDecoder, BitfieldRoundTripZeroCopy) {
  std::string buf;
  append_bitfield(buf, std::string("\xA5\xC0", 2));
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::ok) << s.error;
  EXPECT_EQ(s.msg.id, message_id::bitfield);
  EXPECT_EQ(s.msg.payload, std::string("\xA5\xC0", 2));
  EXPECT_EQ(s.msg.payload.data(), buf.data() + 5);  // points into the input
  EXPECT_EQ(s.consumed, 7u);
}

TEST(FrameDecoder, RequestAndCancelRoundTrip) {
  for (auto id : {message_id::request, message_id::cancel}) {
    std::string buf;
    if (id == message_id::request)
      append_request(buf, 3, 16384, 16384);
    else
      append_cancel(buf, 3, 16384, 16384);
    auto s = decode_frame(buf, limits());
    ASSERT_EQ(s.kind, decode_step::ok) << s.error;
    EXPECT_EQ(s.msg.id, id);
    EXPECT_EQ(s.msg.index, 3u);
    EXPECT_EQ(s.msg.begin, 16384u);
    EXPECT_EQ(s.msg.length, 16384u);
    EXPECT_EQ(s.consumed, 17u);
  }
}

TEST(FrameDecoder, PieceRoundTripViaHeader) {
  const std::string block(1000, 'z');
  std::string buf(piece_header_size, '\0');
  write_piece_header(reinterpret_cast<std::uint8_t*>(buf.data()), 9, 0, 1000);
  buf += block;
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::ok) << s.error;
  EXPECT_EQ(s.msg.id, message_id::piece);
  EXPECT_EQ(s.msg.index, 9u);
  EXPECT_EQ(s.msg.begin, 0u);
  EXPECT_EQ(s.msg.length, 1000u);
  EXPECT_EQ(s.msg.payload, block);
  EXPECT_EQ(s.msg.payload.data(), buf.data() + 13);
  EXPECT_EQ(s.consumed, 1013u);
  std::string copy;
  append_piece(copy, 9, 0, block);
  EXPECT_EQ(copy, buf);
}

TEST(FrameDecoder, PortReadAsData) {
  std::string buf;
  append_port(buf, 6881);
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::ok) << s.error;
  EXPECT_EQ(s.msg.id, message_id::port);
  EXPECT_EQ(s.msg.port, 6881);
  EXPECT_EQ(s.consumed, 7u);
}

TEST(FrameDecoder, SeveralFramesInOneBuffer) {
  std::string buf;
  append_simple(buf, message_id::unchoke);
  append_keep_alive(buf);
  append_have(buf, 1);
  std::string_view rest = buf;
  std::vector<std::size_t> sizes;
  while (!rest.empty()) {
    auto s = decode_frame(rest, limits());
    ASSERT_EQ(s.kind, decode_step::ok) << s.error;
    sizes.push_back(s.consumed);
    rest.remove_prefix(s.consumed);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{5, 4, 9}));
}

TEST(FrameDecoder, TruncatedFramesNeedMore) {
  std::string buf;
  append_request(buf, 1, 0, 16384);
  for (std::size_t n = 0; n < buf.size(); ++n) {
    auto s = decode_frame(std::string_view(buf).substr(0, n), limits());
    ASSERT_EQ(s.kind, decode_step::need_more) << n;
    EXPECT_EQ(s.needed, n < 4 ? 4u : buf.size()) << n;
    EXPECT_EQ(s.consumed, 0u);
  }
  std::string piece;
  append_piece(piece, 0, 0, std::string(16384, 'x'));
  auto s = decode_frame(std::string_view(piece).substr(0, 100), limits());
  ASSERT_EQ(s.kind, decode_step::need_more);
  EXPECT_EQ(s.needed, 16384u + 13);
}

TEST(FrameDecoder, UnknownIdSkipped) {
  std::string buf = frame(1 + 30, 21, std::string(30, 'e'));  // an extension we never announced
  append_have(buf, 2);
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::skipped);
  EXPECT_EQ(s.consumed, 35u);
  auto next = decode_frame(std::string_view(buf).substr(s.consumed), limits());
  ASSERT_EQ(next.kind, decode_step::ok);
  EXPECT_EQ(next.msg.index, 2u);
  auto partial = decode_frame(std::string_view(buf).substr(0, 10), limits());
  EXPECT_EQ(partial.kind, decode_step::need_more);
  EXPECT_EQ(partial.needed, 35u);
}

TEST(FrameDecoder, OversizeFramesFailFromTheLengthAlone) {
  auto l = limits();
  l.max_block = 16384;
  expect_fail(be32(16384 + 10), l, "frame length 16394 exceeds the limit 16393");
  expect_fail(be32(0xFFFFFFFF), l, "frame length 4294967295 exceeds the limit 16393");
  // Unknown ids are bounded by the same limit.
  expect_fail(frame(100000, 21), l, "frame length 100000 exceeds the limit 16393");
  expect_fail(frame(100000, 20), l, "frame length 100000 exceeds the limit 16393");
  // A piece block larger than max_block, declared within the frame limit of a bigger bitfield.
  auto many = make_wire_limits(1000000, 16384, 16384);
  many.max_block = 16384;
  expect_fail(frame(16384 + 10, 7), many, "piece: block of 16385 bytes exceeds 16384");
}

TEST(FrameDecoder, FixedSizeMessagesWithWrongLength) {
  expect_fail(frame(2, 0, "x"), limits(), "choke: frame length 2, expected 1");
  expect_fail(frame(6, 4), limits(), "have: frame length 6, expected 5");
  expect_fail(frame(12, 6), limits(), "request: frame length 12, expected 13");
  expect_fail(frame(14, 8), limits(), "cancel: frame length 14, expected 13");
  expect_fail(frame(5, 9), limits(), "port: frame length 5, expected 3");
  expect_fail(frame(9, 7), limits(), "piece: frame length 9 carries no block");
}

TEST(FrameDecoder, BitfieldWrongLength) {
  expect_fail(frame(2, 5, "\xFF"), limits(), "bitfield: frame length 2, expected 3");
  expect_fail(frame(4, 5, "\xFF\xC0\x00"), limits(), "bitfield: frame length 4, expected 3");
}

TEST(FrameDecoder, BitfieldSpareBitsSet) {
  expect_fail(frame(3, 5, std::string("\xFF\xE0", 2)), limits(), "bitfield: spare bits set after piece 9");
}

TEST(FrameDecoder, IndexOutOfRange) {
  std::string buf;
  append_have(buf, 10);
  expect_fail(buf, limits(), "have: index 10 out of range (10 pieces)");
  buf.clear();
  append_request(buf, 12, 0, 16);
  expect_fail(buf, limits(), "request: index 12 out of range (10 pieces)");
  buf.clear();
  append_cancel(buf, 10, 0, 16);
  expect_fail(buf, limits(), "cancel: index 10 out of range (10 pieces)");
  buf.clear();
  append_piece(buf, 10, 0, "abc");
  expect_fail(buf, limits(), "piece: index 10 out of range (10 pieces)");
}

TEST(FrameDecoder, RequestLengthLimits) {
  std::string buf;
  append_request(buf, 0, 0, 0);
  expect_fail(buf, limits(), "request: zero length");
  buf.clear();
  append_request(buf, 0, 0, 16385);
  expect_fail(buf, limits(), "request: length 16385 exceeds 16384");
  auto big = limits();
  big.max_request = 128 * 1024;  // serving a peer that asks for larger blocks
  buf.clear();
  append_request(buf, 0, 0, 32768);
  EXPECT_EQ(decode_frame(buf, big).kind, decode_step::ok);
}

TEST(FrameDecoder, RequestPastThePieceEnd) {
  std::string buf;
  append_request(buf, 0, 32768 - 100, 101);
  expect_fail(buf, limits(), "request: block 32668+101 past the end of piece 0 (32768 bytes)");
  buf.clear();
  append_request(buf, 9, 0, 1001);  // the last piece is shorter
  expect_fail(buf, limits(), "request: block 0+1001 past the end of piece 9 (1000 bytes)");
  buf.clear();
  append_request(buf, 9, 0xFFFFFFF0, 0x100);  // begin + length overflows 32 bits
  expect_fail(buf, limits(), "request: block 4294967280+256 past the end of piece 9 (1000 bytes)");
  buf.clear();
  append_request(buf, 9, 0, 1000);
  EXPECT_EQ(decode_frame(buf, limits()).kind, decode_step::ok);
}

TEST(FrameDecoder, PieceBlockPastTheEnd) {
  std::string buf;
  append_piece(buf, 9, 500, std::string(501, 'x'));
  expect_fail(buf, limits(), "piece: block 500+501 past the end of piece 9 (1000 bytes)");
  buf.clear();
  append_piece(buf, 9, 500, std::string(500, 'x'));
  EXPECT_EQ(decode_frame(buf, limits()).kind, decode_step::ok);
}

TEST(FrameDecoder, FailsBeforeTheBodyArrives) {
  // A bad declared length is refused with only 5 bytes buffered.
  EXPECT_EQ(decode_frame(frame(1000, 4), limits()).kind, decode_step::fail);
}

TEST(FrameDecoder, MaxFrameLength) {
  auto l = limits();
  l.max_block = 16384;
  EXPECT_EQ(l.max_frame_length(), 16384u + 9);
  auto huge = make_wire_limits(1u << 20, 16384, 16384);
  huge.max_block = 16384;
  EXPECT_EQ(huge.max_frame_length(), (1u << 17) + 1);
  huge.max_block = 0xFFFFFFFF;
  EXPECT_EQ(huge.max_frame_length(), 0xFFFFFFFFu);
}

TEST(FrameDecoder, ExtendedMessageCarriesItsIdAndPayload) {
  std::string buf = frame(1 + 1 + 5, 20, std::string("\x02") + "d1:ae");
  auto s = decode_frame(buf, limits());
  ASSERT_EQ(s.kind, decode_step::ok);
  EXPECT_EQ(s.msg.id, message_id::extended);
  EXPECT_EQ(s.msg.ext_id, 2);
  EXPECT_EQ(s.msg.payload, "d1:ae");
  EXPECT_EQ(s.consumed, buf.size());
  expect_fail(frame(1, 20), limits(), "extended: frame length 1 carries no extension id");
}

TEST(FrameDecoder, UnknownGeometryAcceptsAnyBitfieldAndHave) {
  wire_limits l;  // a magnet before its metadata: no pieces known
  l.geometry_unknown = true;
  auto bf = decode_frame(frame(1 + 300, 5, std::string(300, '\xff')), l);
  ASSERT_EQ(bf.kind, decode_step::ok);
  EXPECT_EQ(bf.msg.payload.size(), 300u);
  std::string have;
  append_have(have, 123456);
  auto h = decode_frame(have, l);
  ASSERT_EQ(h.kind, decode_step::ok);
  EXPECT_EQ(h.msg.index, 123456u);
  expect_fail(frame(7, 4, "abcdef"), l, "have: frame length 7, expected 5");
  std::string req;
  append_request(req, 0, 0, 16384);
  EXPECT_EQ(decode_frame(req, l).kind, decode_step::fail);
}
