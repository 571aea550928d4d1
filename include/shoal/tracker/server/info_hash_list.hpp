#pragma once
// An info-hash whitelist or blacklist read from text: one 40-digit hex info-hash a line;
// blank lines and lines starting with '#' are skipped.
#include <string_view>
#include <vector>

#include "shoal/hash/sha1.hpp"
#include "shoal/util/result.hpp"

namespace shoal::tracker {

class info_hash_list {
 public:
  // `source` names the file in errors ("list.txt line 3: ...").
  static result<info_hash_list> parse(std::string_view text, std::string_view source);
  bool contains(const sha1_digest& h) const;
  std::size_t size() const { return sorted_.size(); }

 private:
  std::vector<sha1_digest> sorted_;
};

}  // namespace shoal::tracker
