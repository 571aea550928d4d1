#pragma once
// Writes a whole file so that readers see the old state or the new one, never a half file:
// a temporary file next to the target, fsync, then rename.
#include <filesystem>
#include <string_view>

#include "shoal/util/result.hpp"

namespace shoal {

// With overwrite false an existing target is an error, checked atomically at the rename
// (renameat2 RENAME_NOREPLACE). The temporary file is removed on every failure.
status write_file_atomically(const std::filesystem::path& target, std::string_view bytes, bool overwrite);

}  // namespace shoal
