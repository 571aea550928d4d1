#include "shoal/wire/handshake.hpp"

#include <cstring>
#include <random>

namespace shoal::wire {

void encode_handshake(const handshake& h, std::uint8_t* out) {
  std::memcpy(out, protocol_string.data(), protocol_string.size());
  std::memcpy(out + 20, h.reserved.data(), 8);
  std::memcpy(out + 28, h.info_hash.bytes.data(), 20);
  std::memcpy(out + 48, h.peer_id.data(), 20);
}

result<handshake> decode_handshake(std::string_view bytes) {
  if (bytes.size() != handshake_size)
    return error{"handshake: " + std::to_string(bytes.size()) + " bytes, expected " +
                 std::to_string(handshake_size)};
  if (bytes.substr(0, protocol_string.size()) != protocol_string)
    return error{"handshake: not the BitTorrent protocol (first byte " +
                 std::to_string(static_cast<unsigned char>(bytes[0])) + ")"};
  handshake h;
  std::memcpy(h.reserved.data(), bytes.data() + 20, 8);
  std::memcpy(h.info_hash.bytes.data(), bytes.data() + 28, 20);
  std::memcpy(h.peer_id.data(), bytes.data() + 48, 20);
  return h;
}

peer_id_t make_peer_id() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  peer_id_t id{};
  std::memcpy(id.data(), peer_id_prefix.data(), peer_id_prefix.size());
  std::random_device rd;
  std::uniform_int_distribution<int> pick(0, static_cast<int>(sizeof(alphabet)) - 2);
  for (std::size_t i = peer_id_prefix.size(); i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(alphabet[pick(rd)]);
  return id;
}

std::string client_name(const peer_id_t& id) {
  std::string out;
  for (std::size_t i = 0; i < 12 && id[i] >= 0x21 && id[i] < 0x7f; ++i) out.push_back(static_cast<char>(id[i]));
  // Azureus style ends its client part at the second dash; mainline and aria2 style ("A2-1-36-0-") at the last
  // dash of the prefix. The random part after it says nothing.
  if (out.size() >= 8 && out[0] == '-' && out[7] == '-') out.resize(8);
  else if (auto dash = out.rfind('-'); dash != std::string::npos && dash >= 2) out.resize(dash + 1);
  return out.empty() ? "?" : out;
}

}  // namespace shoal::wire
