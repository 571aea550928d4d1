#pragma once
// Shared by the metainfo parser's translation units; not a public interface.
#include <string>
#include <string_view>
#include <vector>

#include "shoal/bencode/value.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/result.hpp"

namespace shoal::metainfo_detail {

using bencode::value;

inline error field_error(std::string_view field, std::string_view what) {
  return error{std::string(field) + ": " + std::string(what)};
}
inline error wrong_type(std::string_view field, std::string_view expected, const value& got) {
  return field_error(field, "expected " + std::string(expected) + ", found " + got.type_name());
}

// Pushes the sanitized element unless it must be dropped; sets *shortened when it was cut.
void append_sanitized(std::vector<std::string>& components, std::string_view element, bool* shortened = nullptr);

// info's v1 file list ("length" or "files"), sanitized, with offsets; `root` is the folder
// name of a multi-file torrent. Sets m.files, m.total_length, m.multi_file, m.name.
status parse_files(const value& info, metainfo& m, const metainfo_limits& limits);

// A hybrid torrent's "file tree" (BEP 52) must describe the same files as its v1 list.
status check_hybrid_file_tree(const value& info, const metainfo& m);

// Trackers (announce, announce-list) and web seeds (url-list) of the root dictionary.
void parse_trackers(const value& root, metainfo& m);
void parse_web_seeds(const value& root, metainfo& m);

}  // namespace shoal::metainfo_detail
