#include "shoal/storage/fd_cache.hpp"

namespace shoal {

fd_cache::fd_cache(std::size_t files, std::size_t capacity, opener open)
    : slots_(files), capacity_(capacity == 0 ? 1 : capacity), open_(std::move(open)) {}

result<fd_cache::handle> fd_cache::get(int file) {
  {
    std::lock_guard lock(mu_);
    auto& s = slots_.at(static_cast<std::size_t>(file));
    if (s.fd) {
      lru_.splice(lru_.begin(), lru_, s.lru);
      return s.fd;
    }
  }
  auto opened = open_(file);
  if (!opened) return opened.err();
  handle fd = std::make_shared<const unique_fd>(std::move(*opened));
  std::lock_guard lock(mu_);
  auto& s = slots_[static_cast<std::size_t>(file)];
  if (s.fd) return s.fd;  // another thread opened it meanwhile: ours closes on return
  insert_locked(file, fd);
  return fd;
}

void fd_cache::insert_locked(int file, handle fd) {
  while (lru_.size() >= capacity_) {
    auto& victim = slots_[static_cast<std::size_t>(lru_.back())];
    victim.fd.reset();  // closes now, or when its last user is done
    lru_.pop_back();
  }
  lru_.push_front(file);
  slots_[static_cast<std::size_t>(file)] = slot{std::move(fd), lru_.begin()};
}

std::size_t fd_cache::open_count() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

void fd_cache::close_all() {
  std::lock_guard lock(mu_);
  for (int f : lru_) slots_[static_cast<std::size_t>(f)].fd.reset();
  lru_.clear();
}

}  // namespace shoal
