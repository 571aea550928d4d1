#include "shoal/bencode/value.hpp"

namespace shoal::bencode {

const char* value::type_name() const {
  switch (v_.index()) {
    case 0: return "integer";
    case 1: return "string";
    case 2: return "list";
    default: return "dictionary";
  }
}

const value* value::find(std::string_view key) const {
  if (!is_dict()) return nullptr;
  const auto& d = as_dict();
  auto it = d.find(key);
  return it == d.end() ? nullptr : &it->second;
}

}  // namespace shoal::bencode
