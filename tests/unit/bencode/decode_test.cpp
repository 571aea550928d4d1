#include <gtest/gtest.h>

#include <string>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

using namespace shoal::bencode;

namespace {
std::string error_of(std::string_view in, const decode_limits& limits = {}) {
  auto r = decode(in, limits);
  EXPECT_FALSE(r) << "expected failure for: " << in;
  return r ? std::string() : r.message();
}
}  // namespace

TEST(BencodeDecode, Integers) {
  EXPECT_EQ(decode("i0e")->as_int(), 0);
  EXPECT_EQ(decode("i42e")->as_int(), 42);
  EXPECT_EQ(decode("i-42e")->as_int(), -42);
  EXPECT_EQ(decode("i9223372036854775807e")->as_int(), INT64_MAX);
  EXPECT_EQ(decode("i-9223372036854775808e")->as_int(), INT64_MIN);
}

TEST(BencodeDecode, BadIntegers) {
  EXPECT_NE(error_of("i03e").find("leading zero"), std::string::npos);
  EXPECT_NE(error_of("i-0e").find("negative zero"), std::string::npos);
  EXPECT_NE(error_of("ie").find("without digits"), std::string::npos);
  EXPECT_NE(error_of("i-e").find("without digits"), std::string::npos);
  EXPECT_NE(error_of("i9223372036854775808e").find("64-bit"), std::string::npos);
  EXPECT_NE(error_of("i12").find("end of input"), std::string::npos);
  EXPECT_NE(error_of("i1x2e").find("'x'"), std::string::npos);
}

TEST(BencodeDecode, Strings) {
  EXPECT_EQ(decode("0:")->as_string(), "");
  EXPECT_EQ(decode("4:spam")->as_string(), "spam");
  std::string binary("3:a\0b", 5);
  EXPECT_EQ(decode(binary)->as_string(), std::string("a\0b", 3));
}

TEST(BencodeDecode, BadStrings) {
  EXPECT_NE(error_of("5:spam").find("runs past the end"), std::string::npos);
  EXPECT_NE(error_of("99999999999999999999999:x").find("larger than the input"), std::string::npos);
  EXPECT_NE(error_of("04:spam").find("leading zero"), std::string::npos);
  EXPECT_NE(error_of("4spam").find("expected ':'"), std::string::npos);
}

TEST(BencodeDecode, ListsAndDicts) {
  auto v = decode("l4:spami7ee");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->as_list().size(), 2u);
  EXPECT_EQ(v->as_list()[1].as_int(), 7);
  auto d = decode("d3:cow3:moo4:spam4:eggse");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->find("cow")->as_string(), "moo");
  EXPECT_EQ(d->find("missing"), nullptr);
}

TEST(BencodeDecode, Spans) {
  std::string in = "d4:infod1:ai1ee1:xi2ee";
  auto v = decode(in);
  ASSERT_TRUE(v);
  auto span = v->find("info")->source();
  EXPECT_EQ(in.substr(span.offset, span.length), "d1:ai1ee");
  EXPECT_EQ(v->source().offset, 0u);
  EXPECT_EQ(v->source().length, in.size());
}

TEST(BencodeDecode, UnsortedKeysAcceptedButDuplicatesRejected) {
  EXPECT_TRUE(decode("d1:bi1e1:ai2ee"));
  EXPECT_NE(error_of("d1:ai1e1:ai2ee").find("duplicate dictionary key \"a\""), std::string::npos);
  EXPECT_NE(error_of("di1ei2ee").find("key must be a string"), std::string::npos);
}

TEST(BencodeDecode, TruncatedAndTrailing) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("l").find("end of input inside a list"), std::string::npos);
  EXPECT_NE(error_of("d3:cow").find("end of input"), std::string::npos);
  EXPECT_NE(error_of("i1ei2e").find("trailing"), std::string::npos);
  EXPECT_NE(error_of("x").find("offset 0"), std::string::npos);
}

TEST(BencodeDecode, DeepNestingIsBounded) {
  std::string deep(100000, 'l');
  deep += std::string(100000, 'e');
  EXPECT_NE(error_of(deep).find("nesting deeper"), std::string::npos);
  std::string ok_depth = std::string(50, 'l') + std::string(50, 'e');
  EXPECT_TRUE(decode(ok_depth));
}

TEST(BencodeDecode, ItemAndSizeLimits) {
  decode_limits small;
  small.max_items = 3;
  EXPECT_NE(error_of("li1ei2ei3ee", small).find("too many values"), std::string::npos);
  small = {};
  small.max_input = 4;
  EXPECT_NE(error_of("4:spam", small).find("exceeds the limit"), std::string::npos);
}

TEST(BencodeEncode, RoundTripsCanonicalInput) {
  for (std::string in : {"i-5e", "0:", "le", "de", "d1:ai1e1:bl1:xi0eee", "l3:abcd1:kdeee"}) {
    auto v = decode(in);
    ASSERT_TRUE(v) << in;
    EXPECT_EQ(encode(*v), in);
  }
}

TEST(BencodeEncode, SortsKeys) {
  auto v = decode("d1:bi1e1:ai2ee");
  ASSERT_TRUE(v);
  EXPECT_EQ(encode(*v), "d1:ai2e1:bi1ee");
  dict d;
  d["zz"] = value(1);
  d["a"] = value("x");
  EXPECT_EQ(encode(value(std::move(d))), "d1:a1:x2:zzi1ee");
}
