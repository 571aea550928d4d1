#include "shoal/metainfo/torrent_builder.hpp"

#include <bit>

#include "shoal/bencode/encode.hpp"
#include "shoal/bencode/value.hpp"
#include "shoal/util/byte_size.hpp"

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
  const std::string allowed = " (allowed: a power of two from 16K to 256M, K = 1024, or an exponent 14 to 28)";
  const auto refuse = [&](const std::string& why) { return error{"value '" + std::string(text) + "' " + why + allowed}; };
  auto parsed = parse_byte_size(text);
  if (!parsed) return refuse(parsed.message());
  const std::uint64_t n = *parsed;
  if (n < 64 && text.find_first_not_of("0123456789") == std::string_view::npos) {  // mktorrent's -l exponent
    if (n < 14 || n > 28) return refuse("is not an exponent from 14 to 28");
    return std::int64_t{1} << n;
  }
  if (n < static_cast<std::uint64_t>(min_piece_length)) return refuse("is below 16K");
  if (n > static_cast<std::uint64_t>(max_piece_length)) return refuse("is above 256M");
  if (!std::has_single_bit(n)) return refuse("is not a power of two");
  return static_cast<std::int64_t>(n);
}

}  // namespace shoal
