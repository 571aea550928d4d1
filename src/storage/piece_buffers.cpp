#include "shoal/storage/piece_buffers.hpp"

#include <algorithm>

namespace shoal {

piece_buffers::piece_buffers(std::int64_t piece_length, std::size_t budget_bytes, std::size_t max_count)
    : length_(piece_length > 0 ? static_cast<std::size_t>(piece_length) : 0),
      limit_(length_ > 0 ? std::min(max_count, budget_bytes / length_) : 0) {}

piece_buffers::buffer piece_buffers::take() {
  if (out_ >= limit_) return nullptr;
  buffer b;
  if (!free_.empty()) {
    b = std::move(free_.back());
    free_.pop_back();
  } else {
    b.reset(new std::byte[length_]);  // not value-initialised: pages are touched only as blocks arrive
  }
  ++out_;
  return b;
}

void piece_buffers::give_back(buffer b) {
  if (!b || out_ == 0) return;
  --out_;
  free_.push_back(std::move(b));
}

}  // namespace shoal
