#pragma once
// Removing a torrent's data (remove with "delete the data"): the files the torrent names under its root, then
// the folders they leave empty up to the torrent's own top folder; never anything else in root.
#include <filesystem>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// Missing files are fine (never created, or removed already). A symbolic link where a file or folder of the
// torrent should be is not followed: it is removed itself, never its target. Errors name the file.
status remove_torrent_data(const metainfo& m, const std::filesystem::path& root);

}  // namespace shoal
