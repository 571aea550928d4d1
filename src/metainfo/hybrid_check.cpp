// BEP 52 hybrid torrents carry a v1 file list and a v2 "file tree". Shoal uses only the v1
// view, but refuses a torrent whose two views disagree: peers using the other one would be
// downloading different files (libtorrent refuses these too).
#include "parse_detail.hpp"

namespace shoal::metainfo_detail {

namespace {

struct tree_file {
  std::vector<std::string> components;  // sanitized, without the torrent's folder
  std::int64_t length = 0;
};

std::string joined(const std::vector<std::string>& c) {
  std::string out;
  for (const auto& s : c) out += (out.empty() ? "" : "/") + s;
  return out;
}

constexpr std::string_view tree_field = "info.file tree";

status walk(const value& node, std::vector<std::string>& raw_path, std::vector<tree_file>& out) {
  for (const auto& [key, child] : node.as_dict()) {
    raw_path.push_back(key);
    const std::string where = "'" + joined(raw_path) + "'";
    if (key.empty()) return field_error(tree_field, "empty name inside " + where);
    if (!child.is_dict()) return field_error(tree_field, where + " is not a dictionary (found " + child.type_name() + ")");
    const value* leaf = child.find("");
    if (leaf) {
      if (child.as_dict().size() != 1) return field_error(tree_field, where + " is both a file and a directory");
      if (!leaf->is_dict()) return field_error(tree_field, where + ": file entry is not a dictionary");
      tree_file f;
      for (const auto& part : raw_path) append_sanitized(f.components, part);
      if (f.components.empty()) f.components.push_back("_");
      const value* attr = leaf->find("attr");
      const bool symlink = attr && attr->is_string() && attr->as_string().find('l') != std::string::npos;
      const value* length = leaf->find("length");
      if (!symlink) {
        if (!length || !length->is_int() || length->as_int() < 0)
          return field_error(tree_field, where + ": missing or invalid length");
        f.length = length->as_int();
      }
      out.push_back(std::move(f));
    } else {
      if (child.as_dict().empty()) return field_error(tree_field, "empty directory " + where);
      if (auto s = walk(child, raw_path, out); !s) return s;
    }
    raw_path.pop_back();
  }
  return ok();
}

}  // namespace

status check_hybrid_file_tree(const value& info, const metainfo& m) {
  const value* tree = info.find("file tree");
  if (!tree) return field_error(tree_field, "missing ('meta version' is 2)");
  if (!tree->is_dict()) return wrong_type(tree_field, "a dictionary", *tree);
  std::vector<tree_file> v2;
  std::vector<std::string> raw_path;
  if (auto s = walk(*tree, raw_path, v2); !s) return s;

  std::size_t j = 0;
  for (const auto& f : m.files) {
    if (f.pad) continue;
    // v1 paths carry the torrent's folder first; v2 paths do not.
    std::vector<std::string> v1(f.components.begin() + (m.multi_file ? 1 : 0), f.components.end());
    const bool same = j < v2.size() && v2[j].components == v1 && v2[j].length == f.length;
    if (!same) {
      std::string other = j < v2.size() ? "'" + joined(v2[j].components) + "' (" + std::to_string(v2[j].length) +
                                              " bytes)"
                                        : "nothing";
      return field_error(tree_field, "does not match the v1 file list: file " + std::to_string(j) + " is '" +
                                         joined(v1) + "' (" + std::to_string(f.length) + " bytes) in v1, " +
                                         other + " in v2");
    }
    ++j;
  }
  if (j != v2.size())
    return field_error(tree_field, "does not match the v1 file list: v2 has " + std::to_string(v2.size()) +
                                       " files, v1 has " + std::to_string(j));
  return ok();
}

}  // namespace shoal::metainfo_detail
