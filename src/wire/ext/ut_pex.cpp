#include "shoal/wire/ext/ut_pex.hpp"

#include <algorithm>

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

namespace shoal::wire::ext {

namespace {

struct family {
  std::string_view added, flags, dropped;
  std::size_t entry;  // compact bytes per peer
};
constexpr family v4{"added", "added.f", "dropped", 6};
constexpr family v6{"added6", "added6.f", "dropped6", 18};

result<std::string_view> compact_list(const bencode::value& d, std::string_view key, std::size_t entry) {
  const auto* v = d.find(key);
  if (!v) return std::string_view{};
  if (!v->is_string()) return error{"ut_pex: " + std::string(key) + " is a " + v->type_name() + ", not a string"};
  const auto& s = v->as_string();
  if (s.size() % entry != 0)
    return error{"ut_pex: " + std::string(key) + " has " + std::to_string(s.size()) + " bytes, not a multiple of " +
                 std::to_string(entry)};
  return std::string_view(s);
}

peer_address from_compact(const char* p, std::size_t entry) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return entry == 6 ? peer_address::from_compact_v4(u) : peer_address::from_compact_v6(u);
}

status read_family(const bencode::value& d, const family& f, const pex_limits& limits, pex_message& m) {
  auto added = compact_list(d, f.added, f.entry);
  if (!added) return added.err();
  auto dropped = compact_list(d, f.dropped, f.entry);
  if (!dropped) return dropped.err();
  std::string_view flags;
  if (const auto* fl = d.find(f.flags)) {
    if (!fl->is_string()) return error{"ut_pex: " + std::string(f.flags) + " is a " + fl->type_name() + ", not a string"};
    flags = fl->as_string();
    if (flags.size() != added->size() / f.entry)
      return error{"ut_pex: " + std::string(f.flags) + " has " + std::to_string(flags.size()) + " flags for " +
                   std::to_string(added->size() / f.entry) + " peers"};
  }
  for (std::size_t i = 0; i * f.entry < added->size(); ++i) {
    auto a = from_compact(added->data() + i * f.entry, f.entry);
    if (m.added.size() >= limits.max_added || a.port == 0) {
      ++m.skipped;
      continue;
    }
    m.added.push_back({a, flags.empty() ? std::uint8_t{0} : static_cast<std::uint8_t>(flags[i])});
  }
  for (std::size_t i = 0; i * f.entry < dropped->size(); ++i) {
    auto a = from_compact(dropped->data() + i * f.entry, f.entry);
    if (m.dropped.size() >= limits.max_dropped || a.port == 0) {
      ++m.skipped;
      continue;
    }
    m.dropped.push_back(a);
  }
  return ok();
}

}  // namespace

result<pex_message> decode_pex(std::string_view payload, const pex_limits& limits) {
  if (payload.size() > limits.max_payload)
    return error{"ut_pex: " + std::to_string(payload.size()) + " bytes, above the limit of " +
                 std::to_string(limits.max_payload)};
  bencode::decode_limits bl;
  bl.max_input = limits.max_payload;
  bl.max_depth = 8;
  bl.max_items = 1024;
  auto v = bencode::decode(payload, bl);
  if (!v) return error{"ut_pex: " + v.message()};
  if (!v->is_dict()) return error{std::string("ut_pex: a ") + v->type_name() + ", not a dictionary"};
  pex_message m;
  // Reserve for what will be kept, never for what the peer claims.
  m.added.reserve(std::min(limits.max_added, std::size_t{64}));
  for (const auto* f : {&v4, &v6})
    if (auto s = read_family(*v, *f, limits, m); !s) return s.err();
  return m;
}

std::string encode_pex(const pex_message& m) {
  std::string added, flags, dropped, added6, flags6, dropped6;
  for (const auto& p : m.added) {
    p.address.append_compact(p.address.v6 ? added6 : added);
    (p.address.v6 ? flags6 : flags).push_back(static_cast<char>(p.flags));
  }
  for (const auto& a : m.dropped) a.append_compact(a.v6 ? dropped6 : dropped);
  bencode::dict d;
  d.emplace("added", std::move(added));
  d.emplace("added.f", std::move(flags));
  d.emplace("added6", std::move(added6));
  d.emplace("added6.f", std::move(flags6));
  d.emplace("dropped", std::move(dropped));
  d.emplace("dropped6", std::move(dropped6));
  return bencode::encode(bencode::value(std::move(d)));
}

}  // namespace shoal::wire::ext
