#include "redis_reply.hpp"

#include <cstring>

namespace shoal::tracker::redis {

std::string packed_peer(const peer_announce& a) {
  std::string s(packed_peer_size, '\0');
  std::memcpy(s.data(), a.ip.data(), 16);
  s[16] = a.v6 ? 1 : 0;
  s[17] = static_cast<char>(a.port >> 8);
  s[18] = static_cast<char>(a.port & 0xff);
  return s;
}

bool integer_of(const redisReply* r, std::int64_t& out) {
  if (r->type == REDIS_REPLY_INTEGER) {
    out = r->integer;
    return true;
  }
  if (r->type == REDIS_REPLY_NIL) {
    out = 0;
    return true;
  }
  return false;
}

bool append_peers(const redisReply* r, const peer_id_bytes& self, std::vector<swarm_peer>& out) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) return false;
  for (std::size_t i = 0; i < r->elements; i += 2) {
    const redisReply* id = r->element[i];
    const redisReply* packed = r->element[i + 1];
    if (id->type != REDIS_REPLY_STRING || id->len != self.size() ||
        packed->type != REDIS_REPLY_STRING || packed->len != packed_peer_size) {
      return false;
    }
    if (std::memcmp(id->str, self.data(), self.size()) == 0) continue;
    swarm_peer p;
    std::memcpy(p.id.data(), id->str, p.id.size());
    std::memcpy(p.ip.data(), packed->str, 16);
    p.v6 = packed->str[16] != 0;
    p.port = static_cast<std::uint16_t>((static_cast<std::uint8_t>(packed->str[17]) << 8) |
                                        static_cast<std::uint8_t>(packed->str[18]));
    out.push_back(p);
  }
  return true;
}

bool read_counts(const redisReply* r, std::size_t at, swarm_counts& c) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements < at + 3) return false;
  return integer_of(r->element[at], c.complete) && integer_of(r->element[at + 1], c.incomplete) &&
         integer_of(r->element[at + 2], c.downloaded);
}

}  // namespace shoal::tracker::redis
