#pragma once
// Opening a torrent's files and checking what is already there (seed: must be complete; leech: resume).
#include <filesystem>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/storage.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/util/result.hpp"

namespace shoal::session {

struct checked_data {
  storage store;
  bitfield have;
};

// seed_only: files opened read-only; a missing file or the first piece that fails its hash is an error naming it.
result<checked_data> open_and_check(const metainfo& m, const std::filesystem::path& root, bool seed_only,
                                    int threads, bool progress_bar);

// `seed --data PATH` names the content itself (file or folder), which may be named differently from the torrent:
// returns a copy whose paths start with PATH's name, to be opened under PATH's parent.
metainfo with_content_name(const metainfo& m, const std::string& content_name);

}  // namespace shoal::session
