-- wrk script: registers TOTAL distinct peers over TORRENTS torrents (10 a torrent for
-- 1,000,000 over 100,000), each once, then stops. Threads take interleaved stripes.
-- TOTAL, TORRENTS and THREADS are prepended by bench/tracker.sh.
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local n = 0
function request()
  local g = id + n * THREADS
  n = n + 1
  if g >= TOTAL then g = id end  -- past the quota: a harmless re-announce
  local t = g % TORRENTS
  -- Ports differ within a torrent: opentracker tells peers apart by address and port only,
  -- and every peer here comes from 127.0.0.1.
  local port = 1024 + (math.floor(g / TORRENTS) + t) % 60000
  return wrk.format("GET", string.format(
    "/announce?info_hash=-SHOALBENCH-%08d&peer_id=-LD0001-%012d&port=%d&uploaded=0&downloaded=0&left=%d&compact=1&numwant=10",
    t, g, port, (g % 4 == 0) and 0 or 1000))
end

local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if id + (answered - 1) * THREADS >= TOTAL then wrk.thread:stop() end
end
