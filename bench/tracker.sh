#!/usr/bin/env bash
# Tracker benchmark (prints figures; not a test). Needs a release build (scripts/build.sh build).
#  1. wrk announce mix (1,000 torrents, random peer ids and ports, keep-alive) against our
#     tracker and Debian's opentracker, one after the other with the same load: announces/s,
#     p99 latency, CPU seconds of the server process, announces per CPU-second, ratios.
#  2. 1,000,000 peers over 100,000 torrents into our tracker: RSS per live peer, then RSS
#     once they have all expired; then the same load into opentracker (RSS per live peer).
# Env: BUILD (build dir, default build), DURATION (s, 10), CONNECTIONS (64), WRK_THREADS (1),
#      TRACKER_ARGS (extra options for our tracker in part 1, e.g. "--threads 2"),
#      PEERS (1000000), TORRENTS (100000), SKIP_MILLION=1 / SKIP_MIX=1 to skip part 2 / 1,
#      SKIP_OPENTRACKER_MILLION=1 to leave opentracker out of part 2, LOAD_SECONDS (100: bound
#      on each part-2 load; ours must load within its 60 s expiry window to be comparable).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
PEERS=${PEERS:-1000000}
TORRENTS=${TORRENTS:-100000}
LOAD_SECONDS=${LOAD_SECONDS:-100}
TRACKER=$BUILD/bin/tracker
[ -x "$TRACKER" ] || { echo "build first: $TRACKER missing" >&2; exit 1; }
work=$(mktemp -d /tmp/shoal-tracker-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
# "99%  1.23ms" from wrk --latency, in milliseconds.
p99_ms() { awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
  f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f }' "$1"; }
requests() { awk '/^Requests\/sec/ { print $2 }' "$1"; }

# 1,000 random info-hashes: a Lua table for wrk and a hex whitelist for opentracker
# (Debian builds it with a whitelist, so it only serves listed torrents).
python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
hashes = [os.urandom(20) for _ in range(1000)]
with open(f"{work}/whitelist", "w") as f:
    f.writelines(h.hex() + "\n" for h in hashes)
with open(f"{work}/mix.lua", "w") as f:
    f.write("HASHES = {\n" + ",\n".join('"' + "".join(f"%{b:02x}" for b in h) + '"' for h in hashes) + "}\n")
PY
cat bench/tracker/announce_mix.lua >> "$work/mix.lua"
chmod 644 "$work/whitelist"

# run_mix NAME PID PORT: warm up, then measure one wrk run against PID.
run_mix() {
  local name=$1 pid=$2 port=$3
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s -s "$work/mix.lua" "http://127.0.0.1:$port/" >/dev/null
  local cpu0; cpu0=$(cpu_seconds "$pid")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/mix.lua" \
    "http://127.0.0.1:$port/" >"$work/$name.wrk"
  local cpu1; cpu1=$(cpu_seconds "$pid")
  local rps; rps=$(requests "$work/$name.wrk")
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  local per_cpu; per_cpu=$(awk -v r="$rps" -v d="$DURATION" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0) ? r * d / c : 0 }')
  if grep -q "Non-2xx" "$work/$name.wrk"; then echo "warning: $name answered non-2xx" >&2; fi
  printf "%-12s %12.0f %10s %10s %16s\n" "$name" "$rps" "$(p99_ms "$work/$name.wrk")" "$cpu" "$per_cpu"
  eval "${name//-/_}_rps=$rps; ${name//-/_}_percpu=$per_cpu"
}

if [ "${SKIP_MIX:-0}" != 1 ]; then
echo "== announce mix: 1,000 torrents, wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s (keep-alive)"
printf "%-12s %12s %10s %10s %16s\n" server "announces/s" "p99 ms" "CPU s" "announces/CPU-s"
port=$(free_port)
"$TRACKER" --host 127.0.0.1 --port "$port" --log-level warn ${TRACKER_ARGS:-} & pids+=($!); ours=$!
wait_port "$port"
run_mix shoal "$ours" "$port"
kill "$ours"; wait "$ours" 2>/dev/null || true

port=$(free_port)
opentracker -i 127.0.0.1 -p "$port" -P "$port" -w "$work/whitelist" >/dev/null 2>&1 & pids+=($!); ot=$!
wait_port "$port"
run_mix opentracker "$ot" "$port"
kill "$ot"; wait "$ot" 2>/dev/null || true
awk -v a="$shoal_rps" -v b="$opentracker_rps" -v c="$shoal_percpu" -v d="$opentracker_percpu" \
  'BEGIN { printf "ratio shoal/opentracker: announces/s %.2fx, announces per CPU-second %.2fx\n", a / b, c / d }'
fi

[ "${SKIP_MILLION:-0}" = 1 ] && exit 0

# live_peers NAME PORT: the live peers a server reports (ours: /stats JSON; opentracker:
# the first line of /stats?mode=peer, which it answers to the -A admin address).
live_peers() {
  if [ "$1" = shoal ]; then
    curl -s "http://127.0.0.1:$2/stats" | sed 's/.*"peers":\([0-9]*\).*/\1/'
  else
    curl -s "http://127.0.0.1:$2/stats?mode=peer" | head -1
  fi
}
# announced NAME PORT: announces so far (ours), live peers (opentracker, which expires none
# within the bench).
announced() {
  if [ "$1" = shoal ]; then
    curl -s "http://127.0.0.1:$2/stats" | sed 's/.*"announces":\([0-9]*\).*/\1/'
  else
    live_peers "$@"
  fi
}

# load_million NAME PID PORT: announces every peer once, prints RSS per live peer.
load_million() {
  local name=$1 pid=$2 port=$3
  local base; base=$(rss_kib "$pid")
  local start; start=$(date +%s.%N)
  # wrk's threads stop once their share is answered, but wrk itself sleeps out -d: poll the
  # server and end wrk as soon as every peer is in (bounded by -d anyway).
  timeout $((LOAD_SECONDS + 20)) wrk -t2 -c32 -d"${LOAD_SECONDS}s" -s "$work/million.lua" \
    "http://127.0.0.1:$port/" >"$work/million-$name.wrk" &
  local loader=$!; pids+=($loader)
  local live count last=-1 still=0
  for _ in $(seq $((LOAD_SECONDS * 10))); do
    sleep 0.1
    count=$(announced "$name" "$port")
    [ "$count" -ge "$PEERS" ] 2>/dev/null && break
    kill -0 "$loader" 2>/dev/null || break
    # Requests wrk lost never arrive: stop once the count stood still for 5 s.
    if [ "$count" = "$last" ]; then still=$((still + 1)); else still=0; last=$count; fi
    [ "$still" -ge 50 ] && break
  done
  local end; end=$(date +%s.%N)
  kill "$loader" 2>/dev/null || true; wait "$loader" 2>/dev/null || true
  live=$(live_peers "$name" "$port")
  local rss; rss=$(rss_kib "$pid")
  awk -v n="$name" -v b="$base" -v r="$rss" -v p="$live" -v s="$start" -v e="$end" 'BEGIN {
    printf "%s: loaded in %.1f s: %d live peers, RSS %.1f MiB (baseline %.1f MiB)\n", n, e - s, p, r / 1024, b / 1024
    printf "%s: RSS per live peer: %.1f bytes (RSS growth / live peers)\n", n, (r - b) * 1024 / p }'
  if [ "$live" -lt "$PEERS" ]; then
    echo "warning: $name: only $live of $PEERS peers live: announces lost on the way" \
      "(socket errors), or ours outlasted its 60 s expiry window (machine too busy?)" >&2
  fi
}

echo
echo "== $PEERS peers over $TORRENTS torrents (interval 40 s, expiry after 60 s)"
{ echo "TOTAL = $PEERS; TORRENTS = $TORRENTS; THREADS = 2"; cat bench/tracker/million_peers.lua; } >"$work/million.lua"
port=$(free_port)
"$TRACKER" --host 127.0.0.1 --port "$port" --interval 40 --min-interval 20 --log-level warn \
  & pids+=($!); ours=$!
wait_port "$port"
load_million shoal "$ours" "$port"
stats=$(curl -s "http://127.0.0.1:$port/stats")
echo "stats: $stats"
for _ in $(seq 40); do
  sleep 5
  stats=$(curl -s "http://127.0.0.1:$port/stats")
  case "$stats" in *'"peers":0,'*) break ;; esac
done
sleep 1
echo "after expiry: RSS $(awk -v r="$(rss_kib "$ours")" 'BEGIN { printf "%.1f", r / 1024 }') MiB; stats: $stats"
kill "$ours"; wait "$ours" 2>/dev/null || true

# opentracker with the same load: it keeps no peer ids (compact replies only), so it sets
# the floor for what a peer costs; its expiry is fixed at build time, so only the load.
[ "${SKIP_OPENTRACKER_MILLION:-0}" = 1 ] && exit 0
python3 -c 'import sys
with open(sys.argv[1], "w") as f:
    f.writelines(("-SHOALBENCH-%08d" % t).encode().hex() + "\n" for t in range(int(sys.argv[2])))' \
  "$work/million-whitelist" "$TORRENTS"
chmod 644 "$work/million-whitelist"
port=$(free_port)
opentracker -i 127.0.0.1 -p "$port" -P "$port" -A 127.0.0.1 -w "$work/million-whitelist" >/dev/null 2>&1 \
  & pids+=($!); ot=$!
wait_port "$port"
load_million opentracker "$ot" "$port"
kill "$ot"; wait "$ot" 2>/dev/null || true
