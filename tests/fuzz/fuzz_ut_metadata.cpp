// libFuzzer: ut_metadata decoding never crashes, enforces the piece bounds and lengths
// against the known size (taken from the input), and accepted messages round-trip.
#include <cstdint>
#include <string>
#include <string_view>

#include "shoal/util/big_endian.hpp"
#include "shoal/wire/ext/ut_metadata.hpp"

#include "fuzz_check.hpp"

using namespace shoal::wire::ext;

using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  // Small known sizes keep the piece arithmetic near its edges; 0 means "not known yet".
  const std::int64_t known = shoal::load_be32(data) % (3 * metadata_piece_size);
  std::string_view payload(reinterpret_cast<const char*>(data) + 4, size - 4);
  const metadata_limits limits{.max_metadata_size = 4 * metadata_piece_size};
  auto m = decode_metadata_message(payload, known, limits);
  if (!m) {
    check(!m.message().empty());
    return 0;
  }
  if (m->type == metadata_msg_type::unknown) return 0;
  const std::int64_t size_bound = known > 0 ? known : limits.max_metadata_size;
  check(std::int64_t{m->piece} * metadata_piece_size < size_bound);
  std::string again;
  if (m->type == metadata_msg_type::data) {
    check(m->total_size > 0 && m->total_size <= limits.max_metadata_size);
    check(known == 0 || m->total_size == known);
    check(static_cast<std::int64_t>(m->data.size()) == metadata_piece_length(m->total_size, m->piece));
    check(m->data.data() + m->data.size() == payload.data() + payload.size());
    again = encode_metadata_data(m->piece, m->total_size, m->data);
  } else {
    again = m->type == metadata_msg_type::request ? encode_metadata_request(m->piece) : encode_metadata_reject(m->piece);
  }
  auto back = decode_metadata_message(again, known, limits);
  check(back.has_value() && back->type == m->type && back->piece == m->piece && back->total_size == m->total_size &&
        back->data == m->data);
  return 0;
}
