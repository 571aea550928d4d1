-- wrk script: a steady announce mix over a fixed set of torrents on keep-alive
-- connections. HASHES (percent-encoded info-hashes) is prepended by bench/tracker.sh.
-- 50 peers per torrent with random ports; 20% seeders; 2% started, 1% completed,
-- 1% stopped, the rest plain re-announces; compact replies with numwant=50.
local ports = {}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  for i = 1, #HASHES * 50 do ports[i] = math.random(1024, 65535) end
end

function request()
  local t = math.random(#HASHES)
  local p = math.random(0, 49)
  local left = (p % 5 == 0) and 0 or 1048576
  local r = math.random(100)
  local ev = ""
  if r <= 2 then ev = "&event=started"
  elseif r == 3 then ev = "&event=completed"; left = 0
  elseif r == 4 then ev = "&event=stopped" end
  return wrk.format("GET", string.format(
    "/announce?info_hash=%s&peer_id=-WR0001-%06d%06d&port=%d&uploaded=0&downloaded=0&left=%d&compact=1&numwant=50&key=%08x%s",
    HASHES[t], t, p, ports[(t - 1) * 50 + p + 1], left, t * 50 + p, ev))
end
