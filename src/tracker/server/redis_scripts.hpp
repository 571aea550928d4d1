#pragma once
// The Redis swarm store's Lua scripts. Layout, under a key prefix P (default "shoal:"):
//   P S:<info-hash>   hash: peer id -> packed peer (16-byte ip, v6 flag, big-endian port), seeders
//   P L:<info-hash>   the same for leechers
//   P D:<info-hash>   completed downloads, deleted with the swarm's last peer
//   P peers           sorted set: info-hash + peer id -> last seen (Unix seconds)
//   P torrents        set of info-hashes with at least one peer
//   P seeders         seeders over all torrents
// Every operation is one Lua script run with EVALSHA, so it is atomic and one round trip.
// Peers expire through `P peers` (Redis 7.0 has no per-field expiry), swept in batches by
// every process; a batch is atomic, so concurrent sweepers remove each peer once.
#include <cstddef>
#include <iterator>

namespace shoal::tracker::redis {

// ARGV: prefix, info-hash, peer id, packed peer, seeder (1/0), event (n s c x), now, want.
// Returns {seeders, leechers, downloaded, seeder sample, leecher sample}; samples are
// flat [id, packed, ...] of want+1 (the announcer may be among them), seeders only for
// a leecher.
inline constexpr const char* announce_lua = R"lua(
local p, ih, pid, packed = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local seeder, ev = ARGV[5] == '1', ARGV[6]
local now, want = tonumber(ARGV[7]), tonumber(ARGV[8])
local S, L, D = p .. 'S:' .. ih, p .. 'L:' .. ih, p .. 'D:' .. ih
local was_s = redis.call('HDEL', S, pid)
redis.call('HDEL', L, pid)
if ev == 'x' then
  redis.call('ZREM', p .. 'peers', ih .. pid)
  if was_s == 1 then redis.call('DECR', p .. 'seeders') end
  local s, l = redis.call('HLEN', S), redis.call('HLEN', L)
  local d = tonumber(redis.call('GET', D) or 0)
  if s + l == 0 then
    redis.call('DEL', D)
    redis.call('SREM', p .. 'torrents', ih)
  end
  return {s, l, d}
end
if seeder then
  redis.call('HSET', S, pid, packed)
  if was_s == 0 then redis.call('INCR', p .. 'seeders') end
else
  redis.call('HSET', L, pid, packed)
  if was_s == 1 then redis.call('DECR', p .. 'seeders') end
end
redis.call('ZADD', p .. 'peers', now, ih .. pid)
redis.call('SADD', p .. 'torrents', ih)
local d
if ev == 'c' then d = redis.call('INCR', D) else d = tonumber(redis.call('GET', D) or 0) end
local ps, pl = {}, {}
if want > 0 then
  pl = redis.call('HRANDFIELD', L, want + 1, 'WITHVALUES')
  if not seeder then ps = redis.call('HRANDFIELD', S, want + 1, 'WITHVALUES') end
end
return {redis.call('HLEN', S), redis.call('HLEN', L), d, ps, pl}
)lua";

// ARGV: prefix, info-hash... Returns flat {seeders, leechers, downloaded} per hash.
inline constexpr const char* scrape_lua = R"lua(
local p, out = ARGV[1], {}
for i = 2, #ARGV do
  local ih = ARGV[i]
  out[#out + 1] = redis.call('HLEN', p .. 'S:' .. ih)
  out[#out + 1] = redis.call('HLEN', p .. 'L:' .. ih)
  out[#out + 1] = tonumber(redis.call('GET', p .. 'D:' .. ih) or 0)
end
return out
)lua";

// ARGV: prefix, cutoff, batch. Removes up to `batch` peers last seen before cutoff.
inline constexpr const char* expire_lua = R"lua(
local p, cutoff, batch = ARGV[1], ARGV[2], tonumber(ARGV[3])
local gone = redis.call('ZRANGEBYSCORE', p .. 'peers', '-inf', '(' .. cutoff, 'LIMIT', 0, batch)
for _, m in ipairs(gone) do
  local ih, pid = string.sub(m, 1, 20), string.sub(m, 21)
  local S, L = p .. 'S:' .. ih, p .. 'L:' .. ih
  if redis.call('HDEL', S, pid) == 1 then redis.call('DECR', p .. 'seeders') end
  redis.call('HDEL', L, pid)
  redis.call('ZREM', p .. 'peers', m)
  if redis.call('EXISTS', S, L) == 0 then
    redis.call('DEL', p .. 'D:' .. ih)
    redis.call('SREM', p .. 'torrents', ih)
  end
end
return #gone
)lua";

// ARGV: prefix. Returns {torrents, peers, seeders}.
inline constexpr const char* totals_lua = R"lua(
local p = ARGV[1]
return {redis.call('SCARD', p .. 'torrents'), redis.call('ZCARD', p .. 'peers'),
        tonumber(redis.call('GET', p .. 'seeders') or 0)}
)lua";

// ARGV: key, proposal. The stored value, set to the proposal when there was none.
inline constexpr const char* shared_key_lua = R"lua(
redis.call('SET', ARGV[1], ARGV[2], 'NX')
return redis.call('GET', ARGV[1])
)lua";

enum script_id { announce_script, scrape_script, expire_script, totals_script, key_script };
inline constexpr const char* script_texts[] = {announce_lua, scrape_lua, expire_lua, totals_lua,
                                        shared_key_lua};
inline constexpr std::size_t script_count = std::size(script_texts);

}  // namespace shoal::tracker::redis
