#include "shoal/wire/handshake.hpp"
#include "shoal/wire/encode.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

using namespace shoal::wire;

namespace {

handshake sample() {
  handshake h;
  h.reserved[5] = 0x10;
  h.reserved[7] = 0x05;
  for (std::size_t i = 0; i < 20; ++i) {
    h.info_hash.bytes[i] = static_cast<std::uint8_t>(i * 7);
    h.peer_id[i] = static_cast<std::uint8_t>('a' + i);
  }
  return h;
}

std::string encoded(const handshake& h) {
  std::string out(handshake_size, '\0');
  encode_handshake(h, reinterpret_cast<std::uint8_t*>(out.data()));
  return out;
}

}  // namespace

TEST(Handshake, LayoutAndRoundTrip) {
  const auto h = sample();
  const auto bytes = encoded(h);
  EXPECT_EQ(bytes.substr(0, 20), std::string("\x13" "BitTorrent protocol"));
  EXPECT_EQ(static_cast<unsigned char>(bytes[25]), 0x10);
  EXPECT_EQ(bytes.substr(48, 3), "abc");
  auto d = decode_handshake(bytes);
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(d->reserved, h.reserved);
  EXPECT_EQ(d->info_hash, h.info_hash);
  EXPECT_EQ(d->peer_id, h.peer_id);
}

TEST(Handshake, ReservedBitsKeptAsData) {
  auto d = decode_handshake(encoded(sample()));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->supports_extensions());
  EXPECT_TRUE(d->supports_dht());
  EXPECT_TRUE(d->supports_fast());
  handshake ours;  // what we send: no bit we do not honour
  EXPECT_FALSE(ours.supports_dht() || ours.supports_fast() || ours.supports_extensions());
  EXPECT_EQ(encoded(ours).substr(20, 8), std::string(8, '\0'));
}

TEST(Handshake, BadProtocolString) {
  auto bytes = encoded(sample());
  bytes[1] = 'b';
  auto d = decode_handshake(bytes);
  ASSERT_FALSE(d);
  EXPECT_NE(d.message().find("not the BitTorrent protocol"), std::string::npos);
  bytes = encoded(sample());
  bytes[0] = 18;
  EXPECT_FALSE(decode_handshake(bytes));
}

TEST(Handshake, WrongSize) {
  const auto bytes = encoded(sample());
  auto d = decode_handshake(std::string_view(bytes).substr(0, 67));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.message(), "handshake: 67 bytes, expected 68");
  EXPECT_FALSE(decode_handshake(bytes + "x"));
}

TEST(Handshake, PeerIdAzureusStyle) {
  const auto a = make_peer_id();
  const auto b = make_peer_id();
  const std::string s(a.begin(), a.end());
  EXPECT_EQ(s.substr(0, 8), "-SH0100-");
  for (std::size_t i = 8; i < 20; ++i) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(s[i]))) << s;
  EXPECT_NE(a, b);  // 62^12 possibilities: a collision means the generator is broken
}

TEST(Handshake, ClientNameForLogs) {
  auto id_of = [](std::string_view s) {
    peer_id_t id{};
    std::copy(s.begin(), s.end(), id.begin());
    return id;
  };
  EXPECT_EQ(client_name(make_peer_id()), "-SH0100-");
  EXPECT_EQ(client_name(id_of(std::string_view("-lt2080-\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 20))),
            "-lt2080-");
  EXPECT_EQ(client_name(id_of("A2-1-36-0-abcdefghij")), "A2-1-36-0-");
  EXPECT_EQ(client_name(id_of(std::string_view("A2-1-36-0-y\x01\x02", 13))), "A2-1-36-0-");
  EXPECT_EQ(client_name(id_of("M4-3-6--xxxxxxxxxxxx")), "M4-3-6--");
  EXPECT_EQ(client_name(id_of("abcdefghijklmnopqrst")), "abcdefghijkl");
  EXPECT_EQ(client_name(id_of(std::string_view("AB\x00xx", 5))), "AB");
  EXPECT_EQ(client_name(id_of(std::string_view("\xff\xfe", 2))), "?");
}

// BEP 5: the DHT bit is the last bit of the reserved bytes, apart from BEP 6's; the port message is 7 bytes.
TEST(Handshake, DhtBitAndPortMessage) {
  handshake h;
  h.reserved[7] |= dht_bit;
  auto d = decode_handshake(encoded(h));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->supports_dht());
  EXPECT_FALSE(d->supports_fast());
  EXPECT_EQ(encoded(h)[27], '\x01');
  std::string port;
  append_port(port, 6881);
  EXPECT_EQ(port, std::string("\x00\x00\x00\x03\x09\x1a\xe1", 7));
}
