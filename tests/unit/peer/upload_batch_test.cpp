// The writer's upload path over a real loopback socket: queued requests go out as piece messages in request
// order, and blocks that follow each other in one piece are read from the owner with one call.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io_run.hpp"
#include "shoal/peer/connection_events.hpp"
#include "shoal/peer/peer_connection.hpp"

namespace {

namespace asio = boost::asio;
using shoal::block_ref;
using shoal::peer::peer_connection;

constexpr std::uint32_t piece_length = 256 * 1024;
constexpr std::uint32_t block = 16 * 1024;

// The byte at `offset` of piece `piece`: every position distinct enough to catch a block sent from the wrong place.
std::byte byte_at(std::uint32_t piece, std::uint32_t offset) {
  return static_cast<std::byte>((piece * 131 + offset / 7 + offset) & 0xff);
}

class recording_owner final : public shoal::peer::connection_events {
 public:
  recording_owner() : limits_(shoal::wire::make_wire_limits(4, piece_length, piece_length)) {}
  const shoal::wire::wire_limits& limits() const override { return limits_; }
  void on_message(peer_connection&, const shoal::wire::message&) override {}
  void on_closed(peer_connection&, std::string_view why) override { closed_why = std::string(why); }
  shoal::status read_block(const block_ref& b, std::span<std::byte> out) override {
    reads.push_back(b);
    if (out.size() != b.length) return shoal::error{"read of " + std::to_string(out.size()) + " bytes for a range of " +
                                                    std::to_string(b.length)};
    if (fail_piece && b.piece == *fail_piece) return shoal::error{shoal::error_code::io, "disk gone"};
    for (std::uint32_t i = 0; i < b.length; ++i) out[i] = byte_at(b.piece, b.begin + i);
    return shoal::ok();
  }
  void on_uploaded(peer_connection&, std::span<const block_ref> blocks, std::uint64_t bytes) override {
    uploaded_blocks.insert(uploaded_blocks.end(), blocks.begin(), blocks.end());
    uploaded_bytes += bytes;
  }
  shoal::swarm::rate_limiter* download_limiter() override { return nullptr; }
  shoal::swarm::rate_limiter* upload_limiter() override { return nullptr; }

  std::vector<block_ref> reads, uploaded_blocks;
  std::uint64_t uploaded_bytes = 0;
  std::optional<std::uint32_t> fail_piece;
  std::string closed_why;

 private:
  shoal::wire::wire_limits limits_;
};

struct socket_pair {
  asio::io_context io;
  asio::ip::tcp::socket ours{io}, theirs{io};
  socket_pair() {
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    theirs.connect(acceptor.local_endpoint());
    ours = acceptor.accept();
  }
};

// Reads one piece message from the peer's side (blocking: the writer has sent it by then).
block_ref read_piece(asio::ip::tcp::socket& s, std::vector<std::byte>& payload) {
  unsigned char head[13];
  asio::read(s, asio::buffer(head));
  auto u32 = [&](int at) {
    return std::uint32_t{head[at]} << 24 | std::uint32_t{head[at + 1]} << 16 | std::uint32_t{head[at + 2]} << 8 |
           std::uint32_t{head[at + 3]};
  };
  EXPECT_EQ(head[4], 7);  // piece
  block_ref b{u32(5), u32(9), u32(0) - 9};
  payload.resize(b.length);
  asio::read(s, asio::buffer(payload));
  return b;
}

TEST(UploadBatch, ContiguousBlocksAreReadOnceAndSentInOrder) {
  socket_pair p;
  recording_owner owner;
  auto c = std::make_shared<peer_connection>(std::move(p.ours), owner, "test", 4);
  const std::vector<block_ref> asked{{0, 0, block},         {0, block, block}, {0, 2 * block, block},
                                     {1, 0, block},         {0, 5 * block, block}, {0, 6 * block, block},
                                     {3, piece_length - block, block}};
  c->am_choking = false;
  for (const auto& b : asked) ASSERT_TRUE(c->queue_upload(b));
  c->start();
  ASSERT_TRUE(shoal::test::run_io_until(p.io, [&] { return owner.uploaded_blocks.size() == asked.size(); },
                                        std::chrono::seconds(10)));
  const std::vector<block_ref> reads{{0, 0, 3 * block}, {1, 0, block}, {0, 5 * block, 2 * block},
                                     {3, piece_length - block, block}};
  EXPECT_EQ(owner.reads, reads);
  EXPECT_EQ(owner.uploaded_blocks, asked);
  EXPECT_EQ(owner.uploaded_bytes, asked.size() * block);
  std::vector<std::byte> payload;
  for (const auto& want : asked) {
    const block_ref got = read_piece(p.theirs, payload);
    ASSERT_EQ(got, want);
    for (std::uint32_t i = 0; i < got.length; ++i) ASSERT_EQ(payload[i], byte_at(got.piece, got.begin + i)) << i;
  }
  c->close("done");
  p.io.run_for(std::chrono::milliseconds(50));
}

TEST(UploadBatch, AReadErrorClosesTheConnectionNamingThePiece) {
  socket_pair p;
  recording_owner owner;
  owner.fail_piece = 2;
  auto c = std::make_shared<peer_connection>(std::move(p.ours), owner, "test", 4);
  c->am_choking = false;
  ASSERT_TRUE(c->queue_upload({2, 0, block}));
  c->start();
  ASSERT_TRUE(shoal::test::run_io_until(p.io, [&] { return c->closed(); }, std::chrono::seconds(10)));
  EXPECT_NE(owner.closed_why.find("reading piece 2: disk gone"), std::string::npos) << owner.closed_why;
  EXPECT_TRUE(owner.uploaded_blocks.empty());
}

}  // namespace
