#include "shoal/wire/ext/metadata_assembler.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace shoal::wire::ext;
using namespace std::chrono_literals;
using verdict = metadata_assembler::verdict;

namespace {

const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;

// Metadata of n bytes with a recognisable pattern (40 KiB: three pieces, the last 8 KiB).
std::string sample(std::size_t n = 40 * 1024) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 23);
  return s;
}

std::string_view piece_of(const std::string& md, std::uint32_t i) {
  const auto begin = static_cast<std::size_t>(i) * metadata_piece_size;
  return std::string_view(md).substr(begin, static_cast<std::size_t>(metadata_piece_length(
                                                static_cast<std::int64_t>(md.size()), i)));
}

}  // namespace

TEST(MetadataAssembler, PiecesFromSeveralPeersCompleteAndVerify) {
  const auto md = sample();
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(1, static_cast<std::int64_t>(md.size())));
  ASSERT_TRUE(a.add_peer(2, static_cast<std::int64_t>(md.size())));
  auto r1 = a.next_request(1, t0);
  auto r2 = a.next_request(2, t0);
  auto r3 = a.next_request(2, t0);
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_EQ(*r1, 0u);
  EXPECT_EQ(*r2, 1u);
  EXPECT_EQ(*r3, 2u);
  EXPECT_FALSE(a.next_request(1, t0));  // nothing left to ask
  EXPECT_EQ(a.on_data(2, *r2, piece_of(md, *r2), t0).what, verdict::stored);
  EXPECT_EQ(a.on_data(1, *r3, piece_of(md, *r3), t0).what, verdict::stored);  // asked of 2, but data is data
  EXPECT_EQ(a.on_data(1, *r1, piece_of(md, *r1), t0).what, verdict::complete);
  EXPECT_TRUE(a.complete());
  EXPECT_EQ(a.metadata(), md);
}

TEST(MetadataAssembler, TimedOutRequestGoesToAnotherPeer) {
  const auto md = sample(1000);
  metadata_assembler a(shoal::sha1(md), {}, 20s);
  ASSERT_TRUE(a.add_peer(1, 1000));
  ASSERT_TRUE(a.add_peer(2, 1000));
  EXPECT_EQ(a.next_request(1, t0), 0u);
  EXPECT_FALSE(a.next_request(2, t0 + 5s));
  EXPECT_EQ(a.next_request(2, t0 + 21s), 0u);
  EXPECT_EQ(a.on_data(2, 0, md, t0 + 22s).what, verdict::complete);
}

TEST(MetadataAssembler, WrongDataFromOnePeerDistrustsIt) {
  const auto md = sample(1000);
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(7, 1000));
  ASSERT_TRUE(a.add_peer(8, 1000));
  ASSERT_EQ(a.next_request(7, t0), 0u);
  auto out = a.on_data(7, 0, std::string(1000, 'x'), t0);
  EXPECT_EQ(out.what, verdict::hash_mismatch);
  ASSERT_EQ(out.distrusted.size(), 1u);
  EXPECT_EQ(out.distrusted[0], 7u);
  EXPECT_TRUE(a.distrusted(7));
  EXPECT_FALSE(a.next_request(7, t0));
  ASSERT_EQ(a.next_request(8, t0), 0u);
  EXPECT_EQ(a.on_data(8, 0, md, t0).what, verdict::complete);
  EXPECT_EQ(a.failures(), 1u);
}

TEST(MetadataAssembler, MixedContributorsAreRetriedOneAtATime) {
  const auto md = sample();
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(1, static_cast<std::int64_t>(md.size())));  // honest
  ASSERT_TRUE(a.add_peer(2, static_cast<std::int64_t>(md.size())));  // liar
  auto p0 = a.next_request(1, t0), p1 = a.next_request(2, t0), p2 = a.next_request(1, t0);
  ASSERT_TRUE(p0 && p1 && p2);
  a.on_data(1, *p0, piece_of(md, *p0), t0);
  a.on_data(2, *p1, std::string(piece_of(md, *p1).size(), 'x'), t0);
  auto out = a.on_data(1, *p2, piece_of(md, *p2), t0);
  EXPECT_EQ(out.what, verdict::hash_mismatch);
  EXPECT_TRUE(out.distrusted.empty());  // who lied is not known yet
  // One source at a time now: whichever is chosen, the honest peer ends up completing it.
  for (int round = 0; round < 3 && !a.complete(); ++round) {
    for (metadata_assembler::peer_key p : {1u, 2u}) {
      while (auto i = a.next_request(p, t0)) {
        auto bytes = p == 1 ? std::string(piece_of(md, *i)) : std::string(piece_of(md, *i).size(), 'x');
        auto r = a.on_data(p, *i, bytes, t0);
        if (r.what == verdict::hash_mismatch) {
          ASSERT_EQ(r.distrusted, std::vector<metadata_assembler::peer_key>{2});
        }
      }
    }
  }
  EXPECT_TRUE(a.complete());
  EXPECT_EQ(a.metadata(), md);
}

TEST(MetadataAssembler, SizeAboveTheLimitIsRefusedWithoutAllocating) {
  metadata_assembler a(shoal::sha1(std::string("x")));
  auto st = a.add_peer(1, std::int64_t{100} << 20);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("metadata_size"), std::string::npos) << st.message();
  EXPECT_FALSE(a.add_peer(2, 0));
  EXPECT_FALSE(a.add_peer(3, -5));
  EXPECT_FALSE(a.next_request(1, t0));
  EXPECT_EQ(a.target_size(), 0);
  EXPECT_EQ(a.metadata().capacity() < 1024, true);
}

TEST(MetadataAssembler, PeersDisagreeingOnTheSize) {
  const auto md = sample(1000);
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(1, 5000));  // a liar claims another size first
  ASSERT_TRUE(a.add_peer(2, 1000));
  ASSERT_TRUE(a.add_peer(3, 1000));
  // The majority's size is fetched, and only from those who claimed it.
  EXPECT_FALSE(a.next_request(1, t0));
  EXPECT_EQ(a.next_request(2, t0), 0u);
  EXPECT_EQ(a.target_size(), 1000);
  EXPECT_EQ(a.on_data(1, 0, std::string(1000, 'x'), t0).what, verdict::ignored);
  EXPECT_EQ(a.on_data(2, 0, md, t0).what, verdict::complete);
}

TEST(MetadataAssembler, WhenTheSizesClaimantsGoTheNextSizeIsTried) {
  const auto md = sample(1000);
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(1, 3000));
  ASSERT_TRUE(a.add_peer(9, 3000));
  ASSERT_TRUE(a.add_peer(2, 1000));
  EXPECT_EQ(a.next_request(1, t0), 0u);
  EXPECT_EQ(a.target_size(), 3000);
  a.on_reject(1, 0);
  a.remove_peer(9);
  EXPECT_EQ(a.next_request(2, t0), 0u);
  EXPECT_EQ(a.target_size(), 1000);
  EXPECT_EQ(a.on_data(2, 0, md, t0).what, verdict::complete);
}

TEST(MetadataAssembler, RejectingPeerIsNotAskedAgain) {
  const auto md = sample(1000);
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(1, 1000));
  ASSERT_TRUE(a.add_peer(2, 1000));
  EXPECT_EQ(a.next_request(1, t0), 0u);
  a.on_reject(1, 0);
  EXPECT_FALSE(a.next_request(1, t0));
  EXPECT_EQ(a.next_request(2, t0), 0u);  // the rejected piece is free again at once
}

TEST(MetadataAssembler, WrongPieceLengthIsIgnored) {
  const auto md = sample();
  metadata_assembler a(shoal::sha1(md));
  ASSERT_TRUE(a.add_peer(1, static_cast<std::int64_t>(md.size())));
  ASSERT_EQ(a.next_request(1, t0), 0u);
  EXPECT_EQ(a.on_data(1, 0, "short", t0).what, verdict::ignored);
  EXPECT_EQ(a.pieces_received(), 0u);
}

TEST(MetadataAssembler, AQuietSingleSourceHandsOver) {
  const auto md = sample();
  metadata_assembler a(shoal::sha1(md), {}, 20s);
  ASSERT_TRUE(a.add_peer(1, static_cast<std::int64_t>(md.size())));
  ASSERT_TRUE(a.add_peer(2, static_cast<std::int64_t>(md.size())));
  auto p0 = a.next_request(1, t0), p1 = a.next_request(2, t0), p2 = a.next_request(1, t0);
  ASSERT_TRUE(p0 && p1 && p2);
  a.on_data(1, *p0, std::string(piece_of(md, *p0).size(), 'x'), t0);
  a.on_data(2, *p1, piece_of(md, *p1), t0);
  ASSERT_EQ(a.on_data(1, *p2, piece_of(md, *p2), t0).what, verdict::hash_mismatch);
  // One source at a time: peer 1 is asked and never answers.
  ASSERT_TRUE(a.next_request(1, t0));
  EXPECT_FALSE(a.next_request(2, t0 + 5s));
  // After the timeout peer 2 takes over and completes it alone.
  auto later = t0 + 21s;
  while (auto i = a.next_request(2, later)) {
    auto r = a.on_data(2, *i, piece_of(md, *i), later);
    if (r.what == verdict::complete) break;
  }
  EXPECT_TRUE(a.complete());
  EXPECT_FALSE(a.distrusted(1));
}
