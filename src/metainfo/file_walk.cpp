#include "shoal/metainfo/file_walk.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace shoal {

namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string joined(const std::vector<std::string>& components) {
  std::string s;
  for (const auto& c : components) {
    if (!s.empty()) s += '/';
    s += c;
  }
  return s;
}

// The name PATH stands for, also for "." or "dir/".
std::string root_name(const fs::path& root) {
  std::error_code ec;
  fs::path p = fs::absolute(root, ec).lexically_normal();
  if (ec) p = root.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

status check_readable(const fs::path& p) {
  if (::access(p.c_str(), R_OK) != 0) return error{quoted(p) + ": cannot read: " + std::strerror(errno)};
  return ok();
}

class walker {
 public:
  walker(source_tree& tree, const walk_options& options) : tree_(tree), options_(options) {}

  // Depth-first over an explicit stack: no recursion depth to worry about.
  status walk(const fs::path& root) {
    std::vector<std::pair<fs::path, std::vector<std::string>>> pending{{root, {}}};
    while (!pending.empty()) {
      auto [dir, prefix] = std::move(pending.back());
      pending.pop_back();
      std::error_code ec;
      fs::directory_iterator it(dir, ec);
      if (ec) return error{quoted(dir) + ": cannot list folder: " + ec.message()};
      for (; it != fs::directory_iterator(); it.increment(ec)) {
        auto components = prefix;
        components.push_back(it->path().filename().string());
        if (auto s = visit(it->path(), std::move(components), pending); !s) return s;
      }
      if (ec) return error{quoted(dir) + ": cannot list folder: " + ec.message()};
    }
    return ok();
  }

 private:
  status visit(const fs::path& p, std::vector<std::string> components,
               std::vector<std::pair<fs::path, std::vector<std::string>>>& pending) {
    if (!options_.include_hidden && components.back().starts_with('.')) return skip(p, "hidden");
    struct stat link {};
    if (::lstat(p.c_str(), &link) != 0) return error{quoted(p) + ": cannot stat: " + std::strerror(errno)};
    if (S_ISDIR(link.st_mode)) {
      pending.emplace_back(p, std::move(components));
      return ok();
    }
    struct stat target = link;
    if (S_ISLNK(link.st_mode)) {
      if (::stat(p.c_str(), &target) != 0) return skip(p, "broken symlink");
      if (S_ISDIR(target.st_mode)) return skip(p, "symlink to a folder, not followed");
    }
    if (!S_ISREG(target.st_mode)) return skip(p, "not a regular file");
    if (auto s = check_readable(p); !s) return s;
    tree_.files.push_back({p, std::move(components), static_cast<std::int64_t>(target.st_size)});
    return ok();
  }

  status skip(const fs::path& p, const char* why) {
    tree_.skipped.push_back(p.string() + ": " + why);
    return ok();
  }

  source_tree& tree_;
  const walk_options& options_;
};

}  // namespace

result<source_tree> walk_source(const fs::path& root, const walk_options& options) {
  source_tree tree;
  tree.name = root_name(root);
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return error{quoted(root) + ": " + std::strerror(errno)};
  if (tree.name.empty() || tree.name == "." || tree.name == "..")
    return error{quoted(root) + ": cannot derive a torrent name from this path; give one with --name"};
  if (S_ISREG(st.st_mode)) {
    if (auto s = check_readable(root); !s) return error{s.message()};
    tree.files.push_back({root, {}, static_cast<std::int64_t>(st.st_size)});
  } else if (S_ISDIR(st.st_mode)) {
    tree.multi_file = true;
    walker w(tree, options);
    if (auto s = w.walk(root); !s) return error{s.message()};
    std::sort(tree.files.begin(), tree.files.end(), [](const source_file& a, const source_file& b) {
      return joined(a.components) < joined(b.components);
    });
  } else {
    return error{quoted(root) + ": not a regular file or folder"};
  }
  for (const auto& f : tree.files) tree.total_length += f.length;
  if (tree.files.empty())
    return error{quoted(root) + ": no files to put in a torrent" +
                 (options.include_hidden ? std::string() : " (hidden files are skipped; see --include-hidden)")};
  if (tree.total_length == 0) return error{quoted(root) + ": all files are empty; a torrent needs at least one byte"};
  return tree;
}

}  // namespace shoal
