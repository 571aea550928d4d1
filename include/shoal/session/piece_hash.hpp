#pragma once
// Reads one piece back from storage in bounded chunks and compares its SHA-1 (any thread).
#include "shoal/metainfo/metainfo.hpp"
#include "shoal/storage/storage.hpp"
#include "shoal/util/result.hpp"

namespace shoal::session {

result<bool> hash_piece_matches(storage& st, const metainfo& m, int piece);

}  // namespace shoal::session
