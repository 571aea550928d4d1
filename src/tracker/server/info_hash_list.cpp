#include "shoal/tracker/server/info_hash_list.hpp"

#include <algorithm>
#include <string>

#include "shoal/util/hex.hpp"

namespace shoal::tracker {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}
}  // namespace

result<info_hash_list> info_hash_list::parse(std::string_view text, std::string_view source) {
  info_hash_list list;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto raw = line.size() == 40 ? from_hex(line) : std::nullopt;
    sha1_digest d;
    if (!raw || !sha1_digest::from_bytes(*raw, d)) {
      return error{std::string(source) + " line " + std::to_string(line_no) +
                   ": expected a 40-digit hex info-hash, got '" +
                   std::string(line.substr(0, 60)) + "'"};
    }
    list.sorted_.push_back(d);
  }
  std::sort(list.sorted_.begin(), list.sorted_.end());
  list.sorted_.erase(std::unique(list.sorted_.begin(), list.sorted_.end()), list.sorted_.end());
  return list;
}

bool info_hash_list::contains(const sha1_digest& h) const {
  return std::binary_search(sorted_.begin(), sorted_.end(), h);
}

}  // namespace shoal::tracker
