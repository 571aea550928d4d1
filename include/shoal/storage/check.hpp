#pragma once
// Which pieces are already on disk (resume, and the seed's completeness check).
#include <filesystem>
#include <functional>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/hash_job.hpp"  // check_control
#include "shoal/util/bitfield.hpp"
#include "shoal/util/result.hpp"

namespace shoal {

// SHA-1 of every piece whose bytes exist on disk, over `threads` threads (at least 1), each with
// one bounded read buffer. Missing or short files make the pieces touching them missing (a file
// truncated while being read too); a missing root gives an empty bitfield. Errors only for paths
// escaping the root and I/O failures other than "not there"; they name the file.
//
// An asynchronous, cancellable job for a verify queue: call it on a worker thread (it blocks until done);
// another thread reads control.bytes_done (bytes of pieces checked so far, up to m.total_length) and
// may set control.cancelled, after which each thread stops within about one piece and the call returns
// an error with error_code::cancelled.
result<bitfield> check_existing(const metainfo& m, const std::filesystem::path& root, int threads,
                                check_control& control);

// The same, for a caller on its own thread: progress(done, total) is called from worker threads,
// serialized, with done (pieces checked) increasing.
result<bitfield> check_existing(const metainfo& m, const std::filesystem::path& root, int threads,
                                std::function<void(int done, int total)> progress = {});

}  // namespace shoal
