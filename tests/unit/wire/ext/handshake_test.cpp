#include <gtest/gtest.h>

#include <string>

#include "shoal/util/big_endian.hpp"
#include "shoal/wire/ext/extended_handshake.hpp"
#include "shoal/wire/ext/extended_message.hpp"

using namespace shoal::wire::ext;

TEST(ExtendedHandshake, DecodesLibtorrentStyleHandshake) {
  // What libtorrent 2.0 sends, keys in canonical order.
  using namespace std::string_literals;
  std::string bytes =
      "d12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e"
      "11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi500e11:upload_onlyi1e"
      "1:v18:libtorrent/2.0.8.06:yourip4:\x7f\x00\x00\x01"
      "e"s;
  auto h = decode_extended_handshake(bytes);
  ASSERT_TRUE(h) << h.message();
  EXPECT_EQ(h->id_of(ut_metadata_name), 2);
  EXPECT_EQ(h->id_of(ut_pex_name), 1);
  EXPECT_EQ(h->id_of("lt_donthave"), 7);
  EXPECT_EQ(h->id_of("nope"), 0);
  EXPECT_EQ(h->metadata_size, 31235);
  EXPECT_EQ(h->listen_port, 6881);
  EXPECT_EQ(h->request_queue, 500u);
  EXPECT_EQ(h->client, "libtorrent/2.0.8.0");
  EXPECT_EQ(h->your_ip, std::string("\x7f\x00\x00\x01", 4));
}

TEST(ExtendedHandshake, RoundTrip) {
  extended_handshake h;
  h.extensions = {{"ut_metadata", 3}, {"ut_pex", 9}};
  h.disabled = {"lt_donthave"};
  h.client = "Shoal 0.1.0";
  h.listen_port = 51413;
  h.request_queue = 250;
  h.your_ip = std::string(16, '\x01');
  h.metadata_size = 16385;
  auto back = decode_extended_handshake(encode_extended_handshake(h));
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(back->extensions, h.extensions);
  EXPECT_EQ(back->disabled, h.disabled);
  EXPECT_EQ(back->client, h.client);
  EXPECT_EQ(back->listen_port, h.listen_port);
  EXPECT_EQ(back->request_queue, h.request_queue);
  EXPECT_EQ(back->your_ip, h.your_ip);
  EXPECT_EQ(back->metadata_size, h.metadata_size);
}

TEST(ExtendedHandshake, OddFieldsIgnoredNotFatal) {
  auto h = decode_extended_handshake(
      "d1:md1:ai300e1:bi-1e1:ci5e1:d3:xyze13:metadata_sizei-5e1:pi70000e4:reqqi0e1:vi3e6:yourip3:abce");
  ASSERT_TRUE(h) << h.message();
  EXPECT_EQ(h->extensions.size(), 1u);
  EXPECT_EQ(h->id_of("c"), 5);
  EXPECT_FALSE(h->metadata_size);
  EXPECT_FALSE(h->listen_port);
  EXPECT_FALSE(h->request_queue);
  EXPECT_FALSE(h->client);
  EXPECT_FALSE(h->your_ip);
  // No "m" at all is a handshake that enables nothing.
  auto empty = decode_extended_handshake("de");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->extensions.empty());
}

TEST(ExtendedHandshake, GarbageRefused) {
  EXPECT_FALSE(decode_extended_handshake(""));
  EXPECT_FALSE(decode_extended_handshake("d1:md"));
  EXPECT_FALSE(decode_extended_handshake("\xff\xfe garbage"));
  EXPECT_FALSE(decode_extended_handshake("de trailing"));
  auto list = decode_extended_handshake("li1ee");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.message(), "extended handshake: a list, not a dictionary");
  auto m = decode_extended_handshake("d1:mi1ee");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.message(), "extended handshake: m is a integer, not a dictionary");
  auto big = decode_extended_handshake(std::string(70000, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.message(), "extended handshake: 70000 bytes, above the limit of 65536");
}

TEST(ExtendedHandshake, ExtensionCountBounded) {
  std::string bytes = "d1:md";
  for (int i = 0; i < 1000; ++i) {
    std::string name = "x" + std::to_string(10000 + i);
    bytes += std::to_string(name.size()) + ":" + name + "i1e";
  }
  bytes += "ee";
  auto h = decode_extended_handshake(bytes);
  ASSERT_TRUE(h) << h.message();
  EXPECT_EQ(h->extensions.size(), handshake_limits{}.max_extensions);
}

TEST(ExtendedHandshake, MergeFollowsBep10) {
  auto first = decode_extended_handshake("d1:md11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei100e1:pi6881ee");
  ASSERT_TRUE(first);
  // Re-sent: ut_pex off, ut_metadata moved, a new extension, a new port; metadata_size kept.
  auto update = decode_extended_handshake("d1:md11:lt_donthavei7e11:ut_metadatai5e6:ut_pexi0ee1:pi7000ee");
  ASSERT_TRUE(update);
  extended_handshake merged = *first;
  merge_extended_handshake(merged, *update);
  EXPECT_EQ(merged.id_of(ut_pex_name), 0);
  EXPECT_EQ(merged.id_of(ut_metadata_name), 5);
  EXPECT_EQ(merged.id_of("lt_donthave"), 7);
  EXPECT_EQ(merged.listen_port, 7000);
  EXPECT_EQ(merged.metadata_size, 100);
  // Enabling it again later works.
  merge_extended_handshake(merged, *decode_extended_handshake("d1:md6:ut_pexi4eee"));
  EXPECT_EQ(merged.id_of(ut_pex_name), 4);
  EXPECT_FALSE(merged.disabled.contains("ut_pex"));
}

TEST(ExtendedEnvelope, AppendExtendedFrames) {
  std::string out;
  append_extended(out, 3, "abc");
  ASSERT_EQ(out.size(), 4u + 2 + 3);
  EXPECT_EQ(shoal::load_be32(out.data()), 5u);
  EXPECT_EQ(static_cast<unsigned char>(out[4]), extended_message_id);
  EXPECT_EQ(out[5], 3);
  EXPECT_EQ(out.substr(6), "abc");
}
