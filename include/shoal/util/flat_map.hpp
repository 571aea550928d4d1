#pragma once
// A map kept as one sorted vector of pairs. The daemon holds a handful of per-torrent tables (by id, by info hash)
// for 10,000 torrents: a std::map node costs its 32-byte header and a malloc chunk each, 48-64 bytes over the
// payload, where this costs the payload and at most a quarter of it in spare capacity (it grows by a quarter, not
// by doubling). Torrent ids only grow, so the common insert appends; a lookup is a binary search; an erase moves
// the tail. Unlike std::map, an insert or erase invalidates references and iterators.
#include <algorithm>
#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

namespace shoal {

template <class K, class V>
class flat_map {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::size_t capacity() const { return items_.capacity(); }

  iterator find(const K& k) {
    auto it = lower(k);
    return it != items_.end() && !(k < it->first) ? it : items_.end();
  }
  const_iterator find(const K& k) const { return const_cast<flat_map*>(this)->find(k); }
  bool contains(const K& k) const { return find(k) != end(); }

  // Inserts {k, V(args...)} unless k is present; as std::map::try_emplace.
  template <class... A>
  std::pair<iterator, bool> try_emplace(const K& k, A&&... args) {
    auto it = lower(k);
    if (it != items_.end() && !(k < it->first)) return {it, false};
    const auto at = it - items_.begin();
    if (items_.size() == items_.capacity()) items_.reserve(items_.size() + items_.size() / 4 + 8);
    it = items_.emplace(items_.begin() + at, std::piecewise_construct, std::forward_as_tuple(k),
                        std::forward_as_tuple(std::forward<A>(args)...));
    return {it, true};
  }
  template <class... A>
  std::pair<iterator, bool> emplace(const K& k, A&&... args) {
    return try_emplace(k, std::forward<A>(args)...);
  }
  V& operator[](const K& k) { return try_emplace(k).first->second; }

  std::size_t erase(const K& k) {
    auto it = find(k);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }
  iterator erase(const_iterator it) { return items_.erase(it); }
  void clear() { items_.clear(); }

 private:
  iterator lower(const K& k) {
    if (items_.empty() || items_.back().first < k) return items_.end();  // the append case, without a search
    return std::lower_bound(items_.begin(), items_.end(), k,
                            [](const value_type& a, const K& b) { return a.first < b; });
  }
  std::vector<value_type> items_;
};

}  // namespace shoal
