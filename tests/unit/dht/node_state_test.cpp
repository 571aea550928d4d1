#include "shoal/dht/node_state.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace shoal;
using namespace shoal::dht;

namespace {

node_info node_at(std::uint8_t fill, const std::string& address) {
  node_info n;
  n.id.bytes.fill(fill);
  n.address = *peer_address::parse(address);
  return n;
}

std::string error_of(std::string_view bytes) {
  auto s = decode_node_state(bytes);
  EXPECT_FALSE(s);
  return s ? "" : s.message();
}

}  // namespace

TEST(NodeState, RoundTripsIdAndNodes) {
  node_state s;
  s.id.bytes.fill(0x42);
  s.nodes = {node_at(1, "127.0.0.1:6881"), node_at(2, "10.1.2.3:51413")};
  const auto bytes = encode_node_state(s);
  auto back = decode_node_state(bytes);
  ASSERT_TRUE(back) << back.message();
  EXPECT_EQ(*back, s);
  // The layout other tools can read: a bencoded dictionary with the id and compact node info.
  EXPECT_EQ(bytes.substr(0, 28), "d2:id20:" + std::string(20, '\x42'));
  EXPECT_NE(bytes.find("5:nodes52:"), std::string::npos);
}

TEST(NodeState, AnEmptyTableIsFine) {
  node_state s;
  s.id.bytes.fill(7);
  auto back = decode_node_state(encode_node_state(s));
  ASSERT_TRUE(back) << back.message();
  EXPECT_TRUE(back->nodes.empty());
}

TEST(NodeState, BadInputSaysWhatIsWrong) {
  const std::string id = "2:id20:" + std::string(20, 'a');
  EXPECT_NE(error_of("garbage").find("dht state: "), std::string::npos);
  EXPECT_EQ(error_of("li1ee"), "dht state: not a dictionary");
  EXPECT_EQ(error_of("d" + id + "5:nodes0:e"), "dht state: \"v\": missing or not 1");
  EXPECT_EQ(error_of("d2:id3:abc5:nodes0:1:vi1ee"), "dht state: \"id\": missing or not 20 bytes");
  EXPECT_EQ(error_of("d" + id + "1:vi1ee"), "dht state: \"nodes\": missing or not a string");
  EXPECT_EQ(error_of("d" + id + "5:nodes5:abcde1:vi1ee"), "dht state: \"nodes\": 5 bytes, not a multiple of 26");
  const std::string port_zero = std::string(20, 'n') + std::string("\x7f\x00\x00\x01\x00\x00", 6);
  EXPECT_EQ(error_of("d" + id + "5:nodes26:" + port_zero + "1:vi1ee"), "dht state: \"nodes\"[0]: port 0");
  EXPECT_EQ(error_of(std::string(max_node_state_size + 1, 'd')),
            "dht state: " + std::to_string(max_node_state_size + 1) + " bytes, more than " +
                std::to_string(max_node_state_size));
  const std::string one = std::string(20, 'n') + std::string("\x7f\x00\x00\x01\x1a\xe1", 6);
  std::string many;
  for (std::size_t i = 0; i <= max_saved_nodes; ++i) many += one;
  EXPECT_EQ(error_of("d" + id + "5:nodes" + std::to_string(many.size()) + ":" + many + "1:vi1ee"),
            "dht state: \"nodes\": more than " + std::to_string(max_saved_nodes) + " nodes");
}
