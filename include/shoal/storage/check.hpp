#pragma once
// Which pieces are already on disk (resume, and the seed's completeness check).
#include <filesystem>
#include <functional>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/bitfield.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// SHA-1 of every piece whose bytes exist on disk, over `threads` threads (at least 1), each with
// one bounded read buffer. Missing or short files make the pieces touching them missing (a file
// truncated while being read too); a missing root gives an empty bitfield. Errors only for paths
// escaping the root and I/O failures other than "not there"; they name the file.
// progress(done, total) is called from worker threads, serialized, with done increasing.
result<bitfield> check_existing(const metainfo& m, const std::filesystem::path& root, int threads,
                                std::function<void(int done, int total)> progress = {});

}  // namespace shoal
