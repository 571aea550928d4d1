#pragma once
// Opening a torrent's file under the output folder without ever leaving it: every component is
// opened relative to its parent with O_NOFOLLOW, so neither "..", nor a symlink planted in the
// folder (before or during the download) can redirect a read or a write elsewhere.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/storage/unique_fd.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

enum class open_intent {
  read,        // O_RDONLY; the file and its folders must exist
  read_write,  // O_RDWR; the file and its folders must exist
  create,      // O_RDWR; missing folders and the file are created
};


// Opens root_fd/components[0]/.../components[n-1] as a regular file. Errors name the
// path (components joined with '/') and the operation.
result<unique_fd> open_confined(int root_fd, const std::vector<std::string>& components, open_intent intent,
                                int* err_out = nullptr);

// Size of root_fd/components[0]/.../components[n-1] (opened as with open_intent::read), or -1 when it
// is not there (missing, or a file where a folder should be). Other failures are errors naming the path.
result<std::int64_t> confined_size(int root_fd, const std::vector<std::string>& components);

// The output folder itself (following symlinks: the user chose it); created with intent create.
result<unique_fd> open_root(const std::string& root, open_intent intent, int* err_out = nullptr);

// Why a component can never be opened safely ("", ".", "..", '/' or NUL inside), or "" when fine.
std::string_view unsafe_component(std::string_view c);

}  // namespace shoal
