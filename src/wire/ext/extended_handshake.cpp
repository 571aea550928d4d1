#include "shoal/wire/ext/extended_handshake.hpp"

#include "shoal/bencode/decode.hpp"
#include "shoal/bencode/encode.hpp"

namespace shoal::wire::ext {

namespace {

std::optional<bencode::integer> int_field(const bencode::value& d, std::string_view key) {
  const auto* v = d.find(key);
  if (!v || !v->is_int()) return std::nullopt;
  return v->as_int();
}

void read_extensions(const bencode::dict& m, const handshake_limits& limits, extended_handshake& h) {
  for (const auto& [name, id] : m) {
    if (h.extensions.size() + h.disabled.size() >= limits.max_extensions) return;
    if (!id.is_int() || id.as_int() < 0 || id.as_int() > 255 || name.empty()) continue;
    if (id.as_int() == 0) h.disabled.insert(name);
    else h.extensions.emplace(name, static_cast<std::uint8_t>(id.as_int()));
  }
}

void read_fields(const bencode::value& d, const handshake_limits& limits, extended_handshake& h) {
  if (const auto* v = d.find("v"); v && v->is_string() && v->as_string().size() <= limits.max_client_length)
    h.client = v->as_string();
  if (auto p = int_field(d, "p"); p && *p > 0 && *p <= 65535) h.listen_port = static_cast<std::uint16_t>(*p);
  if (auto q = int_field(d, "reqq"); q && *q > 0 && *q <= 0xFFFFFFFF) h.request_queue = static_cast<std::uint32_t>(*q);
  if (const auto* ip = d.find("yourip"); ip && ip->is_string() && (ip->as_string().size() == 4 || ip->as_string().size() == 16))
    h.your_ip = ip->as_string();
  if (auto s = int_field(d, "metadata_size"); s && *s > 0) h.metadata_size = *s;
}

}  // namespace

std::uint8_t extended_handshake::id_of(std::string_view name) const {
  auto it = extensions.find(name);
  return it == extensions.end() ? 0 : it->second;
}

result<extended_handshake> decode_extended_handshake(std::string_view payload, const handshake_limits& limits) {
  if (payload.size() > limits.max_payload)
    return error{"extended handshake: " + std::to_string(payload.size()) + " bytes, above the limit of " +
                 std::to_string(limits.max_payload)};
  bencode::decode_limits bl;
  bl.max_input = limits.max_payload;
  bl.max_depth = 16;
  bl.max_items = 16 * 1024;
  auto v = bencode::decode(payload, bl);
  if (!v) return error{"extended handshake: " + v.message()};
  if (!v->is_dict()) return error{std::string("extended handshake: a ") + v->type_name() + ", not a dictionary"};
  extended_handshake h;
  if (const auto* m = v->find("m")) {
    if (!m->is_dict()) return error{std::string("extended handshake: m is a ") + m->type_name() + ", not a dictionary"};
    read_extensions(m->as_dict(), limits, h);
  }
  read_fields(*v, limits, h);
  return h;
}

std::string encode_extended_handshake(const extended_handshake& h) {
  bencode::dict m;
  for (const auto& name : h.disabled) m.emplace(name, bencode::value(0));
  for (const auto& [name, id] : h.extensions) m.insert_or_assign(name, bencode::value(int{id}));
  bencode::dict d;
  d.emplace("m", std::move(m));
  if (h.client) d.emplace("v", *h.client);
  if (h.listen_port) d.emplace("p", bencode::integer{*h.listen_port});
  if (h.request_queue) d.emplace("reqq", bencode::integer{*h.request_queue});
  if (h.your_ip) d.emplace("yourip", *h.your_ip);
  if (h.metadata_size) d.emplace("metadata_size", *h.metadata_size);
  return bencode::encode(bencode::value(std::move(d)));
}

void merge_extended_handshake(extended_handshake& current, const extended_handshake& update) {
  for (const auto& name : update.disabled) {
    current.extensions.erase(name);
    current.disabled.insert(name);
  }
  for (const auto& [name, id] : update.extensions) {
    current.extensions.insert_or_assign(name, id);
    current.disabled.erase(name);
  }
  if (update.client) current.client = update.client;
  if (update.listen_port) current.listen_port = update.listen_port;
  if (update.request_queue) current.request_queue = update.request_queue;
  if (update.your_ip) current.your_ip = update.your_ip;
  if (update.metadata_size) current.metadata_size = update.metadata_size;
}

}  // namespace shoal::wire::ext
