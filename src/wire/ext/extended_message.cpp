#include "shoal/wire/ext/extended_message.hpp"

#include "shoal/util/big_endian.hpp"

namespace shoal::wire::ext {

void append_extended(std::string& out, std::uint8_t ext_id, std::string_view payload) {
  const auto at = out.size();
  out.resize(at + 4);
  store_be32(out.data() + at, static_cast<std::uint32_t>(payload.size() + 2));
  out.push_back(static_cast<char>(extended_message_id));
  out.push_back(static_cast<char>(ext_id));
  out += payload;
}

}  // namespace shoal::wire::ext
