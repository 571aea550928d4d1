#include "shoal/daemon/state_store.hpp"

#include <algorithm>
#include <fstream>

#include "shoal/metainfo/magnet.hpp"
#include "shoal/util/atomic_write.hpp"

namespace fs = std::filesystem;

namespace shoal::daemon {

namespace {

constexpr std::uintmax_t max_resume_size = 64u << 20;  // one bit per piece and a few fields: far below this

// A 40-digit lower-case hex name.
bool hash_name(std::string_view stem) {
  return stem.size() == 40 && std::all_of(stem.begin(), stem.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

result<std::string> read_small_file(const fs::path& p, std::uintmax_t max) {
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  if (ec) return error{ec == std::errc::no_such_file_or_directory ? error_code::not_found : error_code::io,
                       p.string() + ": " + ec.message()};
  if (size > max) return error{error_code::invalid_data, p.string() + ": larger than " + std::to_string(max) + " bytes"};
  std::ifstream in(p, std::ios::binary);
  if (!in) return error{error_code::io, p.string() + ": cannot be read"};
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) return error{error_code::io, p.string() + ": short read"};
  return bytes;
}

status remove_file(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
  if (ec) return error{error_code::io, "remove " + p.string() + ": " + ec.message()};
  return ok();
}

}  // namespace

state_store::state_store(fs::path state_dir) : folder_(std::move(state_dir) / "torrents") {}

status state_store::open() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) return error{error_code::io, "create " + folder_.string() + ": " + ec.message()};
  return ok();
}

fs::path state_store::torrent_path(const sha1_digest& h) const { return folder_ / (h.hex() + ".torrent"); }
fs::path state_store::resume_path(const sha1_digest& h) const { return folder_ / (h.hex() + ".resume"); }
fs::path state_store::magnet_path(const sha1_digest& h) const { return folder_ / (h.hex() + ".magnet"); }

status state_store::save_magnet(const sha1_digest& h, std::string_view uri) {
  return write_file_atomically(magnet_path(h), uri, true);
}

status state_store::forget_magnet(const sha1_digest& h) { return remove_file(magnet_path(h)); }

status state_store::save_torrent(const sha1_digest& h, std::string_view torrent_bytes) {
  return write_file_atomically(torrent_path(h), torrent_bytes, true);
}

status state_store::save_resume(const resume_data& r) {
  return write_file_atomically(resume_path(r.info_hash), encode_resume(r), true);
}

result<bool> state_store::update_resume(const resume_data& r) {
  const auto bytes = encode_resume(r);
  if (auto old = read_small_file(resume_path(r.info_hash), bytes.size()); old && *old == bytes) return false;
  if (auto s = write_file_atomically(resume_path(r.info_hash), bytes, true); !s) return s.err();
  return true;
}

status state_store::remove(const sha1_digest& h) {
  auto a = remove_file(resume_path(h));
  auto b = remove_file(torrent_path(h));
  auto c = remove_file(magnet_path(h));
  return !a ? a : !b ? b : c;
}

void state_store::load_magnets(const std::vector<fs::path>& files, load_result& out) const {
  for (const auto& p : files) {
    auto with_torrent = p;
    with_torrent.replace_extension(".torrent");
    std::error_code ec;
    if (fs::exists(with_torrent, ec)) {  // the metadata arrived: the .torrent is the torrent now
      if (auto st = remove_file(p); !st) out.problems.push_back(st.message());
      continue;
    }
    auto uri = read_small_file(p, max_magnet_size);
    auto link = uri ? parse_magnet(*uri) : result<magnet_link>(uri.err());
    if (!link || link->info_hash.hex() != p.stem().string()) {
      auto aside = p;
      aside += ".corrupt";
      std::error_code rename_ec;
      fs::rename(p, aside, rename_ec);
      out.problems.push_back(p.string() + ": " + (link ? "not the magnet link of " + p.stem().string() : link.message()) +
                             (rename_ec ? " (could not be renamed aside: " + rename_ec.message() + ")"
                                        : "; renamed to " + aside.filename().string()));
      continue;
    }
    stored_magnet m;
    m.info_hash = link->info_hash;
    m.uri = std::move(*uri);
    metainfo no_metadata;  // a resume saved before the metadata lists no pieces and no files
    no_metadata.info_hash = m.info_hash;
    if (auto bytes = read_small_file(resume_path(m.info_hash), max_resume_size))
      if (auto r = decode_resume(*bytes, no_metadata)) m.resume = std::move(*r);
    out.magnets.push_back(std::move(m));
  }
}

load_result state_store::load_all() const {
  load_result out;
  std::error_code ec;
  fs::directory_iterator it(folder_, ec), end;
  if (ec) {
    if (ec != std::errc::no_such_file_or_directory) out.problems.push_back(folder_.string() + ": " + ec.message());
    return out;
  }
  std::vector<fs::path> files, magnets;
  for (; it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (!hash_name(p.stem().string())) continue;
    if (p.extension() == ".torrent") files.push_back(p);
    if (p.extension() == ".magnet") magnets.push_back(p);
  }
  if (ec) out.problems.push_back(folder_.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::sort(magnets.begin(), magnets.end());
  load_magnets(magnets, out);
  for (const auto& p : files) {
    const auto stem = p.stem().string();
    auto set_aside = [&](const std::string& why) {
      auto aside = p;
      aside += ".corrupt";
      std::error_code rename_ec;
      fs::rename(p, aside, rename_ec);
      out.problems.push_back(p.string() + ": " + why +
                             (rename_ec ? " (could not be renamed aside: " + rename_ec.message() + ")"
                                        : "; renamed to " + aside.filename().string()));
    };
    auto meta = load_metainfo(p);
    if (!meta) {
      set_aside(meta.message());
      continue;
    }
    if (meta->info_hash.hex() != stem) {
      set_aside("its info-hash is " + meta->info_hash.hex() + ", not the one its name says");
      continue;
    }
    stored_torrent t;
    t.torrent_file = p;
    const auto rp = resume_path(meta->info_hash);
    if (auto bytes = read_small_file(rp, max_resume_size); !bytes) {
      if (bytes.code() != error_code::not_found) t.resume_problem = bytes.message();
    } else if (auto r = decode_resume(*bytes, *meta); !r) {
      t.resume_problem = rp.string() + ": " + r.message();
    } else {
      t.resume = std::move(*r);
    }
    if (!t.resume_problem.empty()) out.problems.push_back(t.resume_problem + ": its data will be checked in full");
    t.meta = std::move(*meta);
    out.torrents.push_back(std::move(t));
  }
  return out;
}

fs::path state_store::dht_path() const { return folder_.parent_path() / "dht.state"; }

result<std::optional<dht::node_state>> state_store::load_dht() const {
  const auto p = dht_path();
  auto bytes = read_small_file(p, dht::max_node_state_size);
  if (!bytes && bytes.code() == error_code::not_found) return std::optional<dht::node_state>{};
  auto s = bytes ? dht::decode_node_state(*bytes) : result<dht::node_state>(bytes.err());
  if (s) return std::optional<dht::node_state>{std::move(*s)};
  if (s.code() != error_code::invalid_data) return s.err();  // unreadable: left where it is
  auto aside = p;
  aside += ".corrupt";
  std::error_code ec;
  fs::rename(p, aside, ec);
  return error{error_code::invalid_data,
               (bytes ? p.string() + ": " : std::string()) + s.message() +
                   (ec ? " (could not be renamed aside: " + ec.message() + ")" : "; renamed to " + aside.filename().string())};
}

result<bool> state_store::save_dht(const dht::node_state& s) const {
  const auto bytes = dht::encode_node_state(s);
  if (auto old = read_small_file(dht_path(), dht::max_node_state_size); old && *old == bytes) return false;
  if (auto st = write_file_atomically(dht_path(), bytes, true); !st) return st.err();
  return true;
}

void apply_resume(session::torrent_options& o, const std::optional<resume_data>& r) {
  if (!r) return;
  if (!r->root.empty()) o.root = r->root;
  o.download_rate_limit = r->download_rate_limit;
  o.upload_rate_limit = r->upload_rate_limit;
  if (r->max_peers != 0) o.max_peers = static_cast<std::size_t>(r->max_peers);
  o.resume = r;
}

}  // namespace shoal::daemon
