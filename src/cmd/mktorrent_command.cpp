#include "shoal/cmd/mktorrent_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>
#include <unistd.h>

#include "shoal/storage/piece_hasher.hpp"
#include "shoal/metainfo/file_walk.hpp"
#include "shoal/metainfo/torrent_builder.hpp"
#include "shoal/ui/progress.hpp"
#include "shoal/util/atomic_write.hpp"

namespace shoal::cmd {

namespace {

std::vector<std::vector<std::string>> tracker_tiers(const std::vector<std::string>& announce) {
  std::vector<std::vector<std::string>> tiers;
  for (const auto& entry : announce) {
    std::vector<std::string> tier;
    std::size_t start = 0;
    while (start <= entry.size()) {
      const std::size_t comma = std::min(entry.find(',', start), entry.size());
      if (comma > start) tier.push_back(entry.substr(start, comma - start));
      start = comma + 1;
    }
    if (!tier.empty()) tiers.push_back(std::move(tier));
  }
  if (tiers.empty()) tiers.push_back({default_announce});
  return tiers;
}

int thread_count(int requested) {
  if (requested > 0) return std::min(requested, 1024);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<hash_input_file> hash_inputs(const source_tree& tree) {
  std::vector<hash_input_file> files;
  files.reserve(tree.files.size());
  for (const auto& f : tree.files) files.push_back({f.path, f.length});
  return files;
}

// Fails before hours of hashing rather than after.
status check_writable_folder(const std::filesystem::path& output) {
  const std::filesystem::path folder = output.has_parent_path() ? output.parent_path() : ".";
  if (::access(folder.c_str(), W_OK) != 0)
    return error{"'" + output.string() + "': cannot write to folder '" + folder.string() + "': " +
                 std::strerror(errno)};
  return ok();
}

// Everything except the final printing; errors come back as one message.
result<std::filesystem::path> make_torrent(const mktorrent_options& o, std::ostream& out, std::FILE* progress) {
  std::int64_t piece_length = 0;
  if (!o.piece_length.empty()) {
    auto parsed = parse_piece_length(o.piece_length);
    if (!parsed) return error{parsed.message()};
    piece_length = *parsed;
  }
  const std::string name = o.name.empty() ? source_name(o.input) : o.name;
  if (name.empty()) return error{"'" + o.input.string() + "': cannot derive a torrent name from it; give one with --name"};
  if (name.find('/') != std::string::npos || name == "." || name == "..")
    return error{"name '" + name + "' cannot be a file name"};
  const std::filesystem::path output = o.output.empty() ? std::filesystem::path(name + ".torrent") : o.output;
  // Checked again atomically at the rename; this only saves walking and hashing for nothing.
  if (!o.force && ::access(output.c_str(), F_OK) == 0)
    return error{"'" + output.string() + "' already exists (use --force to overwrite)"};
  if (auto s = check_writable_folder(output); !s) return error{s.message()};
  auto tree = walk_source(o.input, walk_options{o.include_hidden});
  if (!tree) return error{tree.message()};
  for (const auto& s : tree->skipped) spdlog::info("skipped {}", s);
  if (piece_length == 0) piece_length = default_piece_length(tree->total_length);

  const int threads = thread_count(o.threads);
  spdlog::info("{}: {} files, {} bytes, piece length {}, {} threads, {}", name, tree->files.size(),
               tree->total_length, piece_length, threads, o.use_mmap ? "mmap" : "pread");
  auto meter = ui::progress_meter::for_stream(progress, "hashing", tree->total_length);
  piece_hash_options hopt;
  hopt.piece_length = piece_length;
  hopt.threads = threads;
  hopt.use_mmap = o.use_mmap;
  hopt.on_progress = [&](std::int64_t done) { meter.update(done); };
  auto pieces = hash_pieces(hash_inputs(*tree), hopt);
  if (!pieces) return error{pieces.message()};
  meter.finish(tree->total_length);

  torrent_spec spec;
  spec.source = &*tree;
  spec.name = name;
  spec.piece_length = piece_length;
  spec.piece_hashes = std::move(*pieces);
  spec.trackers = tracker_tiers(o.announce);
  spec.web_seeds = o.web_seeds;
  spec.comment = o.comment;
  spec.created_by = o.created_by ? *o.created_by : std::string("Shoal ") + shoal_version;
  if (!o.no_date) spec.creation_date = static_cast<std::int64_t>(std::time(nullptr));
  spec.is_private = o.is_private;
  const built_torrent torrent = build_torrent(spec);
  if (auto s = write_file_atomically(output, torrent.bytes, o.force); !s) return error{s.message()};
  out << "info-hash: " << torrent.info_hash.hex() << "\n" << "output: " << output.string() << "\n";
  return output;
}

}  // namespace

int run_mktorrent(const mktorrent_options& options, std::ostream& out, std::ostream& err, std::FILE* progress) {
  auto r = make_torrent(options, out, progress);
  if (!r) {
    err << "mktorrent-lite: error: " << r.message() << "\n";
    return 1;
  }
  if (options.announce.empty())
    err << "mktorrent-lite: no -a given: the torrent announces to " << default_announce
        << ", which only this machine can reach; pass -a URL for other machines\n";
  return 0;
}

}  // namespace shoal::cmd
