#include "shoal/tracker/protocol/announce_request.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace shoal {
namespace {

announce_request sample() {
  announce_request r;
  const unsigned char hash[20] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf1, 0x23, 0x45,
                                  0x67, 0x89, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a};
  std::memcpy(r.info_hash.bytes.data(), hash, 20);
  const char* id = "-SH0001-ab~._ +/%123";
  std::memcpy(r.peer_id.data(), id, 20);
  r.port = 6881;
  r.uploaded = 1;
  r.downloaded = 2;
  r.left = 1234567890123;
  return r;
}

const std::string query_tail =
    "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
    "&peer_id=-SH0001-ab~._%20%2B%2F%25123"
    "&port=6881&uploaded=1&downloaded=2&left=1234567890123&compact=1";

TEST(AnnounceRequest, ByteExactQuery) {
  EXPECT_EQ(build_announce_target("http://t.example:8080/announce", sample()),
            "http://t.example:8080/announce?" + query_tail + "&numwant=50");
}

TEST(AnnounceRequest, OptionalParameters) {
  auto r = sample();
  r.event = announce_event::started;
  r.numwant = -1;
  r.key = "k y";
  r.tracker_id = "id&1";
  r.compact = false;
  std::string tail = query_tail;
  tail.replace(tail.size() - 1, 1, "0");
  EXPECT_EQ(build_announce_target("http://t/a", r),
            "http://t/a?" + tail + "&event=started&key=k%20y&trackerid=id%261");
}

TEST(AnnounceRequest, KeepsAnExistingQueryAndDropsTheFragment) {
  auto r = sample();
  r.numwant = -1;
  EXPECT_EQ(build_announce_target("http://t/a?passkey=abc", r),
            "http://t/a?passkey=abc&" + query_tail);
  EXPECT_EQ(build_announce_target("http://t/a?passkey=abc&", r),
            "http://t/a?passkey=abc&" + query_tail);
  EXPECT_EQ(build_announce_target("http://t/a?", r), "http://t/a?" + query_tail);
  EXPECT_EQ(build_announce_target("http://t/a#frag", r), "http://t/a?" + query_tail);
}

TEST(AnnounceRequest, EventNames) {
  EXPECT_EQ(event_name(announce_event::none), "");
  EXPECT_EQ(event_name(announce_event::completed), "completed");
  EXPECT_EQ(event_name(announce_event::stopped), "stopped");
}

}  // namespace
}  // namespace shoal
