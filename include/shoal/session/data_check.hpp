#pragma once
// Opening a torrent's files and checking what is already there (seed: must be complete; leech: resume).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/check.hpp"
#include "shoal/storage/storage.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/util/result.hpp"

namespace shoal::session {

struct checked_data {
  std::optional<storage> store;  // none for a re-check (the files are open already)
  bitfield have;
};

struct check_options {
  bool seed_only = false;     // files opened read-only; a missing file or a piece failing its hash is an error
  int threads = 2;            // hashing the existing data
  bool overwrite = false;     // leech --overwrite: files Shoal did not create may be written into and cut
  bool preallocate = false;   // leech without --sparse: fallocate every file before downloading
  bool recheck = false;       // verify again: only hash (ownership settled and files opened by the first check)
};

// Leech: a file in root that Shoal did not create (no ownership record lists it) is kept only if it is
// empty or some of its pieces verify; otherwise, or if it is longer than the torrent's, the result is one
// line naming it and --overwrite (storage/ownership.hpp). Then the record is written and the files
// created. Seed: errors name the missing file or the first piece failing its hash.
// Blocking (a worker thread runs it). Cancelled: an error saying so, nothing created.
// The storage opened shares `m` (one metainfo for the torrent and its storage).
result<checked_data> open_and_check(std::shared_ptr<const metainfo> m, const std::filesystem::path& root,
                                    const check_options& o, check_control& progress);
inline result<checked_data> open_and_check(const metainfo& m, const std::filesystem::path& root, const check_options& o,
                                           check_control& progress) {
  return open_and_check(std::make_shared<const metainfo>(m), root, o, progress);
}

// The leech's files are all verified: the ownership record is not needed any more.
void forget_ownership(const metainfo& m, const std::filesystem::path& root);

// `seed --data PATH` names the content itself (file or folder), which may be named differently from the torrent:
// returns a copy whose paths start with PATH's name, to be opened under PATH's parent.
metainfo with_content_name(const metainfo& m, const std::string& content_name);

}  // namespace shoal::session
