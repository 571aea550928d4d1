#pragma once
// The ownership record: a hidden file `.shoal-<info-hash>.owned` a leech keeps in the output folder
// while a torrent is incomplete, listing the files it created or adopted. It is what lets a file
// Shoal was killed while writing (no piece verified yet, already at full length) resume, while anybody
// else's file of the same name and length is refused. Written atomically before any file is created,
// removed once the torrent is complete (complete data verifies, so it needs no record).
#include <filesystem>
#include <vector>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/ownership.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

std::filesystem::path ownership_record_path(const std::filesystem::path& root, const metainfo& m);

// Per file of m: listed in the record. No record (or one for another torrent, or unreadable): none.
std::vector<bool> read_ownership_record(const std::filesystem::path& root, const metainfo& m);

// What lies at each file's place under root (a missing root: nothing), with the record's word on
// ownership. Nothing is created. Errors name the path (a symlink or a folder where a file should be).
result<std::vector<found_file>> find_existing_files(const std::filesystem::path& root, const metainfo& m);

// Records every file of m that goes on disk as Shoal's.
status write_ownership_record(const std::filesystem::path& root, const metainfo& m);

// Gone already is fine.
status remove_ownership_record(const std::filesystem::path& root, const metainfo& m);

}  // namespace shoal
