#pragma once
// Strict BEP 3 decoder. Errors name what is wrong and the byte offset.
#include <cstddef>
#include <string_view>

#include "shoal/bencode/value.hpp"
#include "shoal/util/result.hpp"

namespace shoal::bencode {

struct decode_limits {
  std::size_t max_depth = 100;         // nested lists/dicts; bounds the recursion
  std::size_t max_items = 4'000'000;   // values in total
  std::size_t max_input = 256u << 20;  // bytes
};

// Whole input must be exactly one value: trailing bytes are an error.
result<value> decode(std::string_view input, const decode_limits& limits = {});

// Decodes one value from the front of input; `consumed` gets its length.
result<value> decode_prefix(std::string_view input, std::size_t& consumed,
                            const decode_limits& limits = {});

}  // namespace shoal::bencode
