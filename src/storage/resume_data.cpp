#include "shoal/storage/resume_data.hpp"

#include <chrono>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"
#include "shoal/storage/file_set.hpp"

namespace fs = std::filesystem;

namespace shoal {

namespace {

constexpr bencode::decode_limits resume_limits{20, 4'000'000, 64u << 20};

result<std::int64_t> int_field(const bencode::value& d, std::string_view key, std::int64_t min) {
  const auto* v = d.find(key);
  if (v == nullptr) return std::int64_t{0};
  if (!v->is_int() || v->as_int() < min)
    return error{"resume data: \"" + std::string(key) + "\": expected an integer >= " +
                                               std::to_string(min)};
  return v->as_int();
}

result<std::string> string_field(const bencode::value& d, std::string_view key, bool required) {
  const auto* v = d.find(key);
  if (v == nullptr) {
    if (required) return error{"resume data: \"" + std::string(key) + "\" is missing"};
    return std::string();
  }
  if (!v->is_string()) return error{"resume data: \"" + std::string(key) + "\": expected a string"};
  return v->as_string();
}

result<std::vector<file_stamp>> decode_files(const bencode::value& d, std::size_t expected) {
  const auto* v = d.find("files");
  if (v == nullptr || !v->is_list())
    return error{"resume data: \"files\": expected a list"};
  const auto& l = v->as_list();
  if (l.size() != expected)
    return error{"resume data: \"files\": " + std::to_string(l.size()) +
                                               " entries, the torrent has " + std::to_string(expected) + " files"};
  std::vector<file_stamp> out;
  out.reserve(l.size());
  for (std::size_t i = 0; i < l.size(); ++i) {
    const auto& e = l[i];
    if (!e.is_list() || e.as_list().size() != 2 || !e.as_list()[0].is_int() || !e.as_list()[1].is_int())
      return error{"resume data: \"files\"[" + std::to_string(i) + "]: expected [size, mtime]"};
    out.push_back({e.as_list()[0].as_int(), e.as_list()[1].as_int()});
  }
  return out;
}

}  // namespace

std::string encode_resume(const resume_data& r) {
  bencode::dict d;
  d["info-hash"] = std::string(reinterpret_cast<const char*>(r.info_hash.bytes.data()), r.info_hash.bytes.size());
  d["pieces"] = std::string(r.pieces.bytes());
  d["piece-count"] = static_cast<bencode::integer>(r.pieces.size());
  bencode::list files;
  files.reserve(r.files.size());
  for (const auto& f : r.files) files.emplace_back(bencode::list{f.size, f.mtime_ns});
  d["files"] = std::move(files);
  d["root"] = r.root;
  d["added"] = r.added_at;
  d["completed"] = r.completed_at;
  d["uploaded"] = static_cast<bencode::integer>(r.uploaded);
  d["downloaded"] = static_cast<bencode::integer>(r.downloaded);
  d["paused"] = r.paused ? 1 : 0;
  d["download-rate-limit"] = static_cast<bencode::integer>(r.download_rate_limit);
  d["upload-rate-limit"] = static_cast<bencode::integer>(r.upload_rate_limit);
  d["max-peers"] = static_cast<bencode::integer>(r.max_peers);
  return bencode::encode(bencode::value(std::move(d)));
}

result<resume_data> decode_resume(std::string_view bytes, const metainfo& m) {
  auto v = bencode::decode(bytes, resume_limits);
  if (!v) return error{"resume data: " + v.message()};
  if (!v->is_dict()) return error{"resume data: expected a dictionary"};
  resume_data r;
  auto hash = string_field(*v, "info-hash", true);
  if (!hash) return hash.err();
  if (!sha1_digest::from_bytes(*hash, r.info_hash) || !(r.info_hash == m.info_hash))
    return error{"resume data: \"info-hash\": not this torrent's"};
  auto count = int_field(*v, "piece-count", 0);
  if (!count) return count.err();
  if (*count != m.piece_count())
    return error{"resume data: \"piece-count\": " + std::to_string(*count) +
                                               ", the torrent has " + std::to_string(m.piece_count())};
  auto pieces = string_field(*v, "pieces", true);
  if (!pieces) return pieces.err();
  auto bf = bitfield::from_bytes(*pieces, static_cast<std::size_t>(m.piece_count()));
  if (!bf) return error{"resume data: \"pieces\": " + bf.message()};
  r.pieces = std::move(*bf);
  auto files = decode_files(*v, m.files.size());
  if (!files) return files.err();
  r.files = std::move(*files);
  auto root = string_field(*v, "root", false);
  if (!root) return root.err();
  r.root = std::move(*root);
  struct numeric {
    std::string_view key;
    std::int64_t* out_signed;
    std::uint64_t* out_unsigned;
  };
  for (auto [key, s, u] : {numeric{"added", &r.added_at, nullptr}, numeric{"completed", &r.completed_at, nullptr},
                           numeric{"uploaded", nullptr, &r.uploaded}, numeric{"downloaded", nullptr, &r.downloaded},
                           numeric{"download-rate-limit", nullptr, &r.download_rate_limit},
                           numeric{"upload-rate-limit", nullptr, &r.upload_rate_limit},
                           numeric{"max-peers", nullptr, &r.max_peers}}) {
    auto n = int_field(*v, key, 0);
    if (!n) return n.err();
    if (s != nullptr) *s = *n;
    else *u = static_cast<std::uint64_t>(*n);
  }
  auto paused = int_field(*v, "paused", 0);
  if (!paused) return paused.err();
  r.paused = *paused != 0;
  return r;
}

std::vector<file_stamp> stamp_files(const metainfo& m, const fs::path& root) {
  std::vector<file_stamp> out;
  out.reserve(m.files.size());
  for (const auto& f : m.files) {
    file_stamp s;
    std::error_code ec;
    const auto p = root / fs::path(f.path());
    if (on_disk(f) && fs::is_regular_file(fs::symlink_status(p, ec))) {
      const auto size = fs::file_size(p, ec);
      const auto time = fs::last_write_time(p, ec);
      if (!ec) {
        s.size = static_cast<std::int64_t>(size);
        s.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
      }
    }
    out.push_back(s);
  }
  return out;
}

bool stamps_match(const resume_data& r, const std::vector<file_stamp>& now) { return r.files == now; }

}  // namespace shoal
