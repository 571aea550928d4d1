#include "shoal/wire/ext/ut_metadata.hpp"

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

namespace shoal::wire::ext {

namespace {

// The dictionary is tiny (three integers); anything big in front of the data is garbage.
constexpr std::size_t max_dict_bytes = 1024;

std::string encode_header(metadata_msg_type type, std::uint32_t piece, std::int64_t total_size) {
  bencode::dict d;
  d.emplace("msg_type", bencode::integer{static_cast<std::uint8_t>(type)});
  d.emplace("piece", bencode::integer{piece});
  if (type == metadata_msg_type::data) d.emplace("total_size", total_size);
  return bencode::encode(bencode::value(std::move(d)));
}

result<std::int64_t> required_int(const bencode::value& d, std::string_view key) {
  const auto* v = d.find(key);
  if (!v) return error{"ut_metadata: no " + std::string(key)};
  if (!v->is_int()) return error{"ut_metadata: " + std::string(key) + " is a " + v->type_name() + ", not an integer"};
  return v->as_int();
}

status check_data(metadata_message& m, std::string_view trailing, std::int64_t known_size,
                  const metadata_limits& limits) {
  auto count = metadata_piece_count(m.total_size, limits);
  if (!count) return error{"ut_metadata: total_size: " + count.message()};
  if (known_size > 0 && m.total_size != known_size)
    return error{"ut_metadata: total_size " + std::to_string(m.total_size) + " differs from the expected " +
                 std::to_string(known_size)};
  if (m.piece >= *count)
    return error{"ut_metadata: piece " + std::to_string(m.piece) + " beyond the " + std::to_string(*count) +
                 " pieces of the metadata"};
  const auto want = metadata_piece_length(m.total_size, m.piece);
  if (static_cast<std::int64_t>(trailing.size()) != want)
    return error{"ut_metadata: piece " + std::to_string(m.piece) + " carries " + std::to_string(trailing.size()) +
                 " bytes, expected " + std::to_string(want)};
  m.data = trailing;
  return ok();
}

}  // namespace

result<std::uint32_t> metadata_piece_count(std::int64_t size, const metadata_limits& limits) {
  if (size <= 0) return error{"metadata size " + std::to_string(size) + " is not positive"};
  if (size > limits.max_metadata_size)
    return error{"metadata size " + std::to_string(size) + " above the limit of " +
                 std::to_string(limits.max_metadata_size)};
  return static_cast<std::uint32_t>((size + metadata_piece_size - 1) / metadata_piece_size);
}

std::int64_t metadata_piece_length(std::int64_t size, std::uint32_t index) {
  const std::int64_t begin = std::int64_t{index} * metadata_piece_size;
  if (begin >= size) return 0;
  return std::min(metadata_piece_size, size - begin);
}

result<metadata_message> decode_metadata_message(std::string_view payload, std::int64_t known_size,
                                                 const metadata_limits& limits) {
  bencode::decode_limits bl;
  bl.max_input = payload.size();
  bl.max_depth = 4;
  bl.max_items = 64;
  std::size_t consumed = 0;
  // Only the front is bencode: decode_prefix stops at the dictionary's end.
  auto v = bencode::decode_prefix(payload.substr(0, std::min(payload.size(), max_dict_bytes)), consumed, bl);
  if (!v) return error{"ut_metadata: " + v.message()};
  if (!v->is_dict()) return error{std::string("ut_metadata: a ") + v->type_name() + ", not a dictionary"};
  auto type = required_int(*v, "msg_type");
  if (!type) return type.err();
  auto piece = required_int(*v, "piece");
  if (!piece) return piece.err();

  metadata_message m;
  m.raw_type = *type;
  if (*type < 0 || *type > 2) {
    m.type = metadata_msg_type::unknown;
    return m;
  }
  m.type = static_cast<metadata_msg_type>(*type);
  // Before the metadata is known, the limit bounds the index.
  const std::int64_t bound_size = known_size > 0 ? known_size : limits.max_metadata_size;
  const std::int64_t pieces = (bound_size + metadata_piece_size - 1) / metadata_piece_size;
  if (*piece < 0 || *piece >= pieces)
    return error{"ut_metadata: piece " + std::to_string(*piece) + " beyond the " + std::to_string(pieces) +
                 " pieces of the metadata"};
  m.piece = static_cast<std::uint32_t>(*piece);
  const std::string_view trailing = payload.substr(consumed);

  if (m.type == metadata_msg_type::data) {
    auto total = required_int(*v, "total_size");
    if (!total) return total.err();
    m.total_size = *total;
    if (auto s = check_data(m, trailing, known_size, limits); !s) return s.err();
    return m;
  }
  if (!trailing.empty())
    return error{"ut_metadata: " + std::to_string(trailing.size()) + " bytes after a " +
                 (m.type == metadata_msg_type::request ? "request" : "reject")};
  return m;
}

std::string encode_metadata_request(std::uint32_t piece) {
  return encode_header(metadata_msg_type::request, piece, 0);
}

std::string encode_metadata_reject(std::uint32_t piece) {
  return encode_header(metadata_msg_type::reject, piece, 0);
}

std::string encode_metadata_data(std::uint32_t piece, std::int64_t total_size, std::string_view bytes) {
  std::string out = encode_header(metadata_msg_type::data, piece, total_size);
  out += bytes;
  return out;
}

}  // namespace shoal::wire::ext
