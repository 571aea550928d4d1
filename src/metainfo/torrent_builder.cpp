#include "shoal/metainfo/torrent_builder.hpp"

#include <bit>
#include <cctype>
#include <charconv>

#include "shoal/bencode/encode.hpp"
#include "shoal/bencode/value.hpp"

namespace shoal {

namespace {

using bencode::dict;
using bencode::list;

list path_list(const std::vector<std::string>& components) {
  list l;
  l.reserve(components.size());
  for (const auto& c : components) l.emplace_back(c);
  return l;
}

dict info_dict(const torrent_spec& spec) {
  const source_tree& src = *spec.source;
  dict info;
  info["name"] = spec.name.empty() ? src.name : spec.name;
  info["piece length"] = spec.piece_length;
  info["pieces"] = spec.piece_hashes;
  if (spec.is_private) info["private"] = 1;
  if (!src.multi_file) {
    info["length"] = src.total_length;
    return info;
  }
  list files;
  files.reserve(src.files.size());
  for (const auto& f : src.files) files.emplace_back(dict{{"length", f.length}, {"path", path_list(f.components)}});
  info["files"] = std::move(files);
  return info;
}

}  // namespace

built_torrent build_torrent(const torrent_spec& spec) {
  built_torrent out;
  dict top;
  bencode::value info = info_dict(spec);
  out.info_hash = sha1(bencode::encode(info));
  top["info"] = std::move(info);
  if (!spec.trackers.empty() && !spec.trackers.front().empty()) {
    top["announce"] = spec.trackers.front().front();
    list tiers;
    for (const auto& tier : spec.trackers) {
      if (tier.empty()) continue;
      list urls;
      for (const auto& url : tier) urls.emplace_back(url);
      tiers.emplace_back(std::move(urls));
    }
    top["announce-list"] = std::move(tiers);
  }
  if (!spec.web_seeds.empty()) {
    list urls;
    for (const auto& url : spec.web_seeds) urls.emplace_back(url);
    top["url-list"] = std::move(urls);
  }
  if (!spec.comment.empty()) top["comment"] = spec.comment;
  if (!spec.created_by.empty()) top["created by"] = spec.created_by;
  if (spec.creation_date) top["creation date"] = *spec.creation_date;
  out.bytes = bencode::encode(top);
  return out;
}

std::int64_t default_piece_length(std::int64_t total_length) {
  std::int64_t length = min_piece_length;
  while (length < max_default_piece_length && (total_length + length - 1) / length > 2000) length *= 2;
  return length;
}

result<std::int64_t> parse_piece_length(std::string_view text) {
  const std::string shown = "piece length '" + std::string(text) + "'";
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data())
    return error{shown + ": expected bytes (262144, 256K, 1M) or a power-of-two exponent (18)"};
  std::string suffix(end, text.data() + text.size());
  for (auto& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = 0;
  if (suffix.empty()) {
    if (n < 64) {
      if (n < 14 || n > 28) return error{shown + ": exponent must be 14 (16 KiB) to 28 (256 MiB)"};
      return std::int64_t{1} << n;
    }
  } else if (suffix == "K" || suffix == "KB" || suffix == "KIB") {
    shift = 10;
  } else if (suffix == "M" || suffix == "MB" || suffix == "MIB") {
    shift = 20;
  } else {
    return error{shown + ": unknown suffix '" + std::string(end, text.data() + text.size()) + "' (use K or M)"};
  }
  if (n > (std::uint64_t{1} << 40)) return error{shown + ": too large (at most 256 MiB)"};
  const std::uint64_t bytes = n << shift;
  if (!std::has_single_bit(bytes)) return error{shown + ": not a power of two"};
  if (static_cast<std::int64_t>(bytes) < min_piece_length || static_cast<std::int64_t>(bytes) > max_piece_length)
    return error{shown + ": must be between 16 KiB and 256 MiB"};
  return static_cast<std::int64_t>(bytes);
}

}  // namespace shoal
