// The v1 file list: "length" (single file) or "files" (BEP 3), pad files (BEP 47, and
// BitComet's "_____padding_file_" names), symlinks (attr "l", no payload bytes).
#include <string>

#include "parse_detail.hpp"
#include "shoal/metainfo/path_sanitize.hpp"

namespace shoal::metainfo_detail {

namespace {

const value* find_preferred(const value& dict, std::string_view utf8_key, std::string_view key,
                            bool (value::*is_type)() const) {
  const value* v = dict.find(utf8_key);
  if (v && (v->*is_type)()) return v;
  return dict.find(key);
}

result<std::int64_t> parse_length(const value* v, std::string_view field, const metainfo_limits& limits) {
  if (!v) return field_error(field, "missing");
  if (!v->is_int()) return wrong_type(field, "an integer", *v);
  const auto n = v->as_int();
  if (n < 0) return field_error(field, "negative (" + std::to_string(n) + ")");
  if (n > limits.max_file_length)
    return field_error(field, std::to_string(n) + " bytes exceeds the limit of " +
                                  std::to_string(limits.max_file_length));
  return n;
}

// A list of path elements: every one must be a string.
status check_string_list(const value& list, std::string_view field) {
  const auto& items = list.as_list();
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!items[i].is_string())
      return wrong_type(std::string(field) + "[" + std::to_string(i) + "]", "a string", items[i]);
  return ok();
}

std::string attributes_of(const value& dict) {
  const value* a = dict.find("attr");
  return a && a->is_string() ? a->as_string() : std::string();
}

status parse_symlink(const value& dict, const std::string& field, file_entry& f) {
  const value* target = dict.find("symlink path");
  if (!target) {
    f.symlink = false;  // no target: an (empty) ordinary file, as libtorrent treats it
    return ok();
  }
  const std::string tfield = field + ".symlink path";
  if (!target->is_list()) return wrong_type(tfield, "a list", *target);
  if (auto s = check_string_list(*target, tfield); !s) return s;
  for (const auto& e : target->as_list()) append_sanitized(f.symlink_target, e.as_string());
  return ok();
}

result<file_entry> parse_file(const value& dict, std::size_t index, const std::string& root,
                              const metainfo_limits& limits) {
  const std::string field = "info.files[" + std::to_string(index) + "]";
  if (!dict.is_dict()) return wrong_type(field, "a dictionary", dict);
  file_entry f;
  f.attributes = attributes_of(dict);
  f.pad = f.attributes.str().find('p') != std::string::npos;
  f.symlink = f.attributes.str().find('l') != std::string::npos;
  if (!f.symlink) {
    auto length = parse_length(dict.find("length"), field + ".length", limits);
    if (!length) return length.err();
    f.length = *length;
  }

  f.components.push_back(root);
  const value* path = find_preferred(dict, "path.utf-8", "path", &value::is_list);
  const std::string pfield = field + ".path";
  if (path && !path->is_list()) return wrong_type(pfield, "a list", *path);
  if (path && !path->as_list().empty()) {
    if (auto s = check_string_list(*path, pfield); !s) return s.err();
    for (const auto& e : path->as_list()) append_sanitized(f.components, e.as_string(), &f.name_shortened);
    if (f.components.size() == 1) f.components.push_back("_");  // everything was sanitized away
  } else if (f.pad) {
    f.components.push_back(".pad");
    f.components.push_back(std::to_string(f.length));
  } else {
    return field_error(pfield, path ? "empty" : "missing");
  }
  if (f.path().find("_____padding_file_") != std::string::npos) f.pad = true;  // BitComet

  if (f.symlink)
    if (auto s = parse_symlink(dict, field, f); !s) return s.err();
  return f;
}

status parse_single_file(const value& info, metainfo& m, const metainfo_limits& limits) {
  file_entry f;
  auto length = parse_length(info.find("length"), "info.length", limits);
  if (!length) return length.err();
  f.length = *length;
  f.attributes = attributes_of(info);
  // A single file's name is its path: nothing can stand in for an unusable one.
  if (m.name.empty()) return field_error("info.name", "not usable as a file name after sanitizing");
  f.components.push_back(m.name);
  m.files.push_back(std::move(f));
  m.multi_file = false;
  return ok();
}

status parse_multi_file(const value& files, metainfo& m, const metainfo_limits& limits) {
  if (!files.is_list()) return wrong_type("info.files", "a list", files);
  const auto& list = files.as_list();
  if (list.empty()) return field_error("info.files", "empty (a torrent needs at least one file)");
  // Like libtorrent: a folder name sanitized to nothing ("..") becomes the info-hash in hex.
  if (m.name.empty()) m.name = m.info_hash_hex();
  m.files.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto f = parse_file(list[i], i, m.name, limits);
    if (!f) return f.err();
    m.files.push_back(std::move(*f));
  }
  m.multi_file = true;
  return ok();
}

}  // namespace

void append_sanitized(std::vector<std::string>& components, std::string_view element, bool* shortened) {
  bool cut = false;
  std::string s = sanitize_path_element(element, &cut);
  if (shortened && cut) *shortened = true;
  if (!s.empty()) components.push_back(std::move(s));
}

status parse_files(const value& info, metainfo& m, const metainfo_limits& limits) {
  const value* name = find_preferred(info, "name.utf-8", "name", &value::is_string);
  if (!name) return field_error("info.name", "missing");
  if (!name->is_string()) return wrong_type("info.name", "a string", *name);
  if (name->as_string().empty()) return field_error("info.name", "empty");
  bool name_shortened = false;
  m.name = sanitize_path_element(name->as_string(), &name_shortened);

  const value* files = info.find("files");
  auto s = files ? parse_multi_file(*files, m, limits) : parse_single_file(info, m, limits);
  if (!s) return s;
  if (name_shortened)
    for (auto& f : m.files) f.name_shortened = true;

  std::int64_t offset = 0;
  for (auto& f : m.files) {
    f.offset = offset;
    // Each length is <= max_file_length (<= 2^62 by contract), so checking after every
    // addition keeps the sum below 2^63.
    offset += f.length;
    if (offset > (std::int64_t{1} << 62)) return field_error("info.files", "total length overflows");
  }
  m.total_length = offset;
  if (m.total_length == 0)
    return field_error(files ? "info.files" : "info.length", "total length is 0 (a torrent must carry data)");
  return ok();
}

}  // namespace shoal::metainfo_detail
