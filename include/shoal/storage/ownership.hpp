#pragma once
// Which files already in the output folder a leech may write into. A file Shoal did not create is
// never shortened, replaced or written into unless some of its data verifies as this torrent's:
// a partial download from another client is adopted, anybody else's file is refused.
#include <cstdint>
#include <string>
#include <vector>

#include "shoal/metainfo/metainfo.hpp"
#include "shoal/util/bitfield.hpp"

namespace shoal {

// What lies at one file's place before the leech writes anything.
struct found_file {
  bool exists = false;
  std::int64_t size = 0;
  bool owned = false;  // in this torrent's ownership record: Shoal created or adopted it earlier
};

enum class file_verdict {
  create,         // not there (or never on disk: pads, symlinks): Shoal creates it
  resume,         // Shoal's own, or any file with --overwrite: set to its length, verified pieces kept
  adopt,          // not Shoal's but empty, or some of its pieces verify: kept and extended
  too_long,       // not Shoal's and longer than the torrent's file: refused (it would be cut)
  not_this_data,  // not Shoal's, not empty, and none of its pieces verify: refused
};

// One verdict per file of m (found has one entry per file). `have` holds the pieces that verified
// on disk. A file is judged by every piece lying wholly or partly in it: one verified piece is enough
// to adopt it (its bytes in that piece are the torrent's). A file whose only pieces also span a file
// that is missing cannot verify, so it is refused.
std::vector<file_verdict> judge_existing_files(const metainfo& m, const std::vector<found_file>& found,
                                               const bitfield& have, bool overwrite);

inline bool refused(file_verdict v) { return v == file_verdict::too_long || v == file_verdict::not_this_data; }

// One line naming the first refused file (under `root`, as the user wrote it), what is wrong with it and
// the way out (--overwrite); "" when nothing is refused.
std::string refusal_message(const metainfo& m, const std::vector<found_file>& found,
                            const std::vector<file_verdict>& verdicts, const std::string& root);

}  // namespace shoal
