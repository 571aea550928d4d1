// .torrent bytes -> metainfo: structure and required fields strictly (errors name the field),
// optional descriptive fields leniently (ignored when of the wrong type), as libtorrent does.
#include "parse_detail.hpp"
#include "shoal/bencode/decode.hpp"
#include "shoal/metainfo/path_sanitize.hpp"

namespace shoal {

using namespace metainfo_detail;

namespace {

status parse_piece_length(const value& info, metainfo& m, const metainfo_limits& limits) {
  const value* v = info.find("piece length");
  if (!v) return field_error("info.piece length", "missing");
  if (!v->is_int()) return wrong_type("info.piece length", "an integer", *v);
  if (v->as_int() <= 0) return field_error("info.piece length", "must be positive (got " + std::to_string(v->as_int()) + ")");
  if (v->as_int() > limits.max_piece_length)
    return field_error("info.piece length", std::to_string(v->as_int()) + " bytes exceeds the limit of " +
                                                std::to_string(limits.max_piece_length));
  m.piece_length = v->as_int();
  return ok();
}

// Which metadata versions the info dictionary carries; refuses what Shoal cannot use.
status check_version(const value& info, metainfo& m) {
  int version = 1;
  if (const value* v = info.find("meta version")) {
    if (!v->is_int()) return wrong_type("info.meta version", "an integer", *v);
    if (v->as_int() < 1 || v->as_int() > 2)
      return field_error("info.meta version", "unsupported version " + std::to_string(v->as_int()));
    version = static_cast<int>(v->as_int());
  }
  const bool has_tree = info.find("file tree") != nullptr;
  const value* pieces = info.find("pieces");
  if (!pieces) {
    if (version == 2 || has_tree)
      return field_error("info", "v2-only torrents are not supported yet (no v1 'pieces'; BEP 52 'meta version' 2)");
    return field_error("info.pieces", "missing");
  }
  if (!pieces->is_string()) return wrong_type("info.pieces", "a string", *pieces);
  if (has_tree && version != 2) return field_error("info.file tree", "present without 'meta version' 2");
  m.hybrid = version == 2;
  return ok();
}

status check_piece_hashes(const value& info, metainfo& m) {
  const value& field = *info.find("pieces");
  const auto& pieces = field.as_string();
  if (pieces.size() % 20 != 0)
    return field_error("info.pieces", "length " + std::to_string(pieces.size()) + " is not a multiple of 20");
  const std::int64_t expected = block_geometry::pieces_for(m.total_length, m.piece_length);
  if (std::int64_t(pieces.size() / 20) != expected)
    return field_error("info.pieces", std::to_string(pieces.size() / 20) + " hashes for " + std::to_string(expected) +
                                          " pieces of " + std::to_string(m.piece_length) + " bytes (total " +
                                          std::to_string(m.total_length) + " bytes)");
  // Where the string's bytes start in the info dictionary: its span ends with them, after the "<length>:".
  const std::size_t at = field.source().offset + field.source().length - pieces.size() - info.source().offset;
  if (at + pieces.size() <= UINT32_MAX) {  // else (a limit raised past 4 GiB) the copy below holds them
    m.pieces_at = static_cast<std::uint32_t>(at);
    m.pieces_length = static_cast<std::uint32_t>(pieces.size());
  }
  if (m.pieces() != std::string_view(pieces)) m.piece_hashes = pieces;  // a span off: a copy, never wrong hashes
  return ok();
}

const std::string* optional_string(const value& dict, std::string_view utf8_key, std::string_view key) {
  for (auto k : {utf8_key, key}) {
    const value* v = k.empty() ? nullptr : dict.find(k);
    if (v && v->is_string()) return &v->as_string();
  }
  return nullptr;
}

void parse_descriptive(const value& root, metainfo& m) {
  if (auto* s = optional_string(root, "comment.utf-8", "comment")) m.comment = *s;
  if (auto* s = optional_string(root, "", "created by")) m.created_by = *s;
  const value* date = root.find("creation date");
  if (date && date->is_int() && date->as_int() >= 0) m.creation_date = date->as_int();
  parse_trackers(root, m);
  parse_web_seeds(root, m);
}

}  // namespace

result<metainfo> parse_metainfo(std::string_view torrent_bytes, const metainfo_limits& limits) {
  if (torrent_bytes.size() > limits.max_file_size)
    return error{"torrent of " + std::to_string(torrent_bytes.size()) + " bytes exceeds the limit of " +
                 std::to_string(limits.max_file_size)};
  // Bytes after the root dictionary are ignored, as libtorrent does (some published torrents
  // carry a trailing newline); the info-hash never covers them.
  std::size_t consumed = 0;
  auto decoded = bencode::decode_prefix(torrent_bytes, consumed);
  if (!decoded) return decoded.err();
  const value& root = *decoded;
  if (!root.is_dict()) return wrong_type("torrent", "a dictionary", root);
  const value* info = root.find("info");
  if (!info) return field_error("info", "missing");
  if (!info->is_dict()) return wrong_type("info", "a dictionary", *info);

  metainfo m;
  // The info-hash covers the info dictionary exactly as sent, whatever its key order.
  const auto span = info->source();
  m.info_bytes = std::string(torrent_bytes.substr(span.offset, span.length));
  m.info_hash = sha1(m.info_bytes);

  if (auto s = check_version(*info, m); !s) return s.err();
  if (auto s = parse_piece_length(*info, m, limits); !s) return s.err();
  if (auto s = parse_files(*info, m, limits); !s) return s.err();
  if (auto s = check_piece_hashes(*info, m); !s) return s.err();
  if (m.hybrid)
    if (auto s = check_hybrid_file_tree(*info, m); !s) return s.err();
  resolve_duplicate_paths(m.files);

  const value* priv = info->find("private");
  m.is_private = priv && priv->is_int() && priv->as_int() != 0;  // BEP 27
  parse_descriptive(root, m);
  return m;
}

}  // namespace shoal
