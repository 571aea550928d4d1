#pragma once
// shoald's memory of its torrents: per torrent `<state>/torrents/<info-hash hex>.torrent` (the bytes it was added
// with) and `.resume` (storage/resume_data.hpp), each written atomically. A torrent added by magnet link keeps
// `<hex>.magnet` (the URI) until its metadata arrives; then the session writes the .torrent and the .magnet goes. Loading never fails as a whole: a
// corrupt or missing resume costs that torrent a full check; a corrupt .torrent is reported, renamed aside
// (`.torrent.corrupt`) and skipped. Beside them `<state>/dht.state`: the DHT node's id and contacts.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/dht/node_state.hpp"
#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/session/torrent.hpp"
#include "shoal/storage/resume_data.hpp"
#include "shoal/util/result.hpp"

namespace shoal::daemon {

struct stored_torrent {
  metainfo meta;
  std::filesystem::path torrent_file;  // the saved .torrent (torrent-get's torrentFile)
  std::optional<resume_data> resume;   // none: no resume file, or one that did not decode (a full check)
  std::string resume_problem;          // why there is none, when there was a file ("" otherwise)
};

// A magnet link whose metadata had not arrived yet.
struct stored_magnet {
  sha1_digest info_hash{};
  std::string uri;
  std::optional<resume_data> resume;  // folder, limits, paused, dates (no pieces before the metadata)
};

struct load_result {
  std::vector<stored_torrent> torrents;  // in info-hash order
  std::vector<stored_magnet> magnets;    // those without a .torrent, in info-hash order
  std::vector<std::string> problems;     // one line per file skipped or set aside, naming it
};

class state_store {
 public:
  explicit state_store(std::filesystem::path state_dir);

  const std::filesystem::path& folder() const { return folder_; }  // <state>/torrents
  // Creates the folder (and the state dir); errors name it.
  status open();
  std::filesystem::path torrent_path(const sha1_digest& h) const;
  std::filesystem::path resume_path(const sha1_digest& h) const;
  std::filesystem::path magnet_path(const sha1_digest& h) const;

  // The .torrent as added (replaces one saved before).
  status save_torrent(const sha1_digest& h, std::string_view torrent_bytes);
  // The magnet URI, until the metadata arrives (then forget_magnet).
  status save_magnet(const sha1_digest& h, std::string_view uri);
  status forget_magnet(const sha1_digest& h);
  status save_resume(const resume_data& r);
  // Writes only when the file does not hold these bytes already (an idle torrent's save costs a read, not an
  // fsync); true when it wrote.
  result<bool> update_resume(const resume_data& r);
  // Every file of the torrent; a file already gone is no error.
  status remove(const sha1_digest& h);
  // Every <hex>.torrent: parsed, its info-hash checked against its name, its resume decoded against it; and
  // every <hex>.magnet without a .torrent (one with a .torrent is left over from the metadata's arrival: removed).
  load_result load_all() const;

  std::filesystem::path dht_path() const;  // <state>/dht.state
  // None when there is no file. A file that cannot be read or decoded is an error naming it and what is wrong;
  // a corrupt one is renamed aside (`dht.state.corrupt`) first, so the next save does not replace it unseen.
  result<std::optional<dht::node_state>> load_dht() const;
  // Atomically, and only when the file does not hold these bytes already; true when it wrote.
  result<bool> save_dht(const dht::node_state& s) const;

 private:
  void load_magnets(const std::vector<std::filesystem::path>& files, load_result& out) const;

  std::filesystem::path folder_;
};

// A stored torrent's options back as they were: its folder, limits and peer limit from the resume data, which
// rides along in opt.resume for the session to trust (or not). Without a resume `o` is left as the caller made it.
void apply_resume(session::torrent_options& o, const std::optional<resume_data>& r);

}  // namespace shoal::daemon
