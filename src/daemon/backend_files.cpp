// torrent-create and shoal-browse: both reach only inside the allowed roots.
#include "shoald.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "shoal/metainfo/file_walk.hpp"
#include "shoal/metainfo/torrent_builder.hpp"
#include "shoal/storage/piece_hasher.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace shoal::daemon {

namespace {

// `p` resolved (symbolic links too) and inside one of `roots`; the error says which rule it broke.
result<fs::path> confine(const std::string& p, const std::vector<std::string>& roots) {
  if (roots.empty()) return error{error_code::invalid_data, "no allowed-roots configured: creating and browsing are off"};
  std::error_code ec;
  const fs::path real = fs::canonical(p, ec);
  if (ec) return error{error_code::not_found, p + ": " + ec.message()};
  for (const auto& r : roots) {
    const fs::path root = fs::canonical(r, ec);
    if (ec) continue;
    auto [rit, pit] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    if (rit == root.end()) return real;
  }
  return error{error_code::invalid_data, p + ": outside the allowed roots"};
}

}  // namespace

// The pieces are hashed on create_pool_ (the walk and the checks stay here: they are quick); the rest of the
// daemon, the RPC included, goes on meanwhile. `done` runs back on the io thread.
void shoald::create(const rpc::create_request& r, create_done done) {
  auto path = confine(r.path, settings_.allowed_roots);
  if (!path) return done(path.err());
  auto tree = walk_source(*path);
  if (!tree) return done(tree.err());
  if (tree->files.empty() || tree->total_length == 0) return done(error{error_code::invalid_data, r.path + ": no data to share"});
  const std::int64_t piece = r.piece_size == 0 ? default_piece_length(tree->total_length) : r.piece_size;
  if (piece < min_piece_length || piece > max_piece_length || (piece & (piece - 1)) != 0)
    return done(error{error_code::invalid_data, "piece-size " + std::to_string(r.piece_size) +
                                                    ": must be a power of two from 16 KiB to 256 MiB, or 0 for automatic"});
  std::vector<hash_input_file> inputs;
  for (const auto& f : tree->files) inputs.push_back({f.path, f.length});
  piece_hash_options h;
  h.piece_length = piece;
  h.threads = 2;
  h.control = &create_control_;
  spdlog::info("torrent-create: hashing {} ({} bytes)", path->string(), tree->total_length);
  auto job = std::make_shared<create_job>(create_job{r, std::move(*path), std::move(*tree), piece, std::move(done)});
  asio::post(create_pool_, [this, job, inputs = std::move(inputs), h]() mutable {
    auto pieces = hash_pieces(inputs, h);
    asio::post(io_, [this, job, pieces = std::move(pieces)]() mutable { finish_create(*job, std::move(pieces)); });
  });
}

void shoald::finish_create(create_job& job, result<std::string> pieces) {
  if (!pieces) return job.done(pieces.err());
  torrent_spec spec;
  spec.source = &job.tree;
  spec.piece_length = job.piece_length;
  spec.piece_hashes = std::move(*pieces);
  for (const auto& t : job.request.trackers) spec.trackers.push_back({t});
  spec.comment = job.request.comment;
  spec.created_by = "Shoal " SHOAL_VERSION;
  spec.creation_date = unix_now();
  spec.is_private = job.request.is_private;
  auto built = build_torrent(spec);
  auto m = parse_metainfo(built.bytes);
  if (!m) return job.done(error{error_code::invalid_data, "torrent-create: the new torrent does not parse: " + m.message()});
  auto added = add_parsed(std::move(*m), job.path.parent_path(), false, true, built.bytes);
  if (!added) return job.done(added.err());
  spdlog::info("torrent-create: {} made and seeding", job.path.string());
  job.done(rpc::created_torrent{*added, std::move(built.bytes)});
}

result<rpc::browse_listing> shoald::browse(const std::optional<std::string>& path) const {
  rpc::browse_listing out;
  out.roots = settings_.allowed_roots;
  if (!path || path->empty()) {
    for (const auto& r : settings_.allowed_roots) out.entries.push_back({fs::path(r).filename().string(), r, true, 0});
    return out;
  }
  auto dir = confine(*path, settings_.allowed_roots);
  if (!dir) return dir.err();
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) return error{error_code::invalid_data, *path + ": not a folder"};
  out.path = dir->string();
  constexpr std::size_t max_entries = 10000;
  for (fs::directory_iterator it(*dir, ec), end; !ec && it != end && out.entries.size() < max_entries; it.increment(ec)) {
    std::error_code e2;
    const bool folder = it->is_directory(e2);
    const auto size = folder ? 0 : it->file_size(e2);
    out.entries.push_back({it->path().filename().string(), it->path().string(), folder,
                           e2 ? 0 : static_cast<std::int64_t>(size)});
  }
  if (ec) return error{error_code::io, *path + ": " + ec.message()};
  std::sort(out.entries.begin(), out.entries.end(), [](const auto& a, const auto& b) {
    return a.directory != b.directory ? a.directory : a.name < b.name;
  });
  return out;
}

}  // namespace shoal::daemon
