#!/usr/bin/env bash
# Tracker over Redis (prints figures; not a test). Needs a release build and redis-server.
#  Two tracker processes share one Redis (--store redis://...); two wrk runs at once, one per
#  process, send the announce mix of bench/tracker.sh (1,000 torrents, 50 peers each, compact,
#  numwant=50). Prints announces/s through both, p99 of each, and the Redis round trips per
#  announce: top-level commands (what crosses the network) and commands run inside the
#  scripts, from INFO commandstats before and after divided by the announces served.
#  The same load through one process with the in-memory store is the anchor.
# Env: BUILD (build dir, default build), DURATION (s, 10), CONNECTIONS (per process, 32),
#      TRACKER_ARGS (extra options for both processes, e.g. "--threads 2").
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
TRACKER=$BUILD/bin/tracker
[ -x "$TRACKER" ] || { echo "build first: $TRACKER missing" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
work=$(mktemp -d /tmp/shoal-tracker-redis-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
p99_ms() { awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
  f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f }' "$1"; }
# Requests wrk completed (its "N requests in" line) and how many were not 2xx.
completed() { awk '/requests in/ { print $1 }' "$1"; }

python3 - "$work" <<'PY'
import os, sys
hashes = [os.urandom(20) for _ in range(1000)]
with open(f"{sys.argv[1]}/mix.lua", "w") as f:
    f.write("HASHES = {\n" + ",\n".join('"' + "".join(f"%{b:02x}" for b in h) + '"' for h in hashes) + "}\n")
PY
cat bench/tracker/announce_mix.lua >> "$work/mix.lua"

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --loglevel warning --dir "$work" >/dev/null & pids+=($!)
wait_port "$rport"
rcli() { redis-cli -p "$rport" "$@"; }
# "calls" of every command in INFO commandstats, as "name calls" lines.
cmdstats() { rcli info commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p' | sort; }

start_tracker() {  # PORT STORE
  "$TRACKER" --host 127.0.0.1 --port "$1" --store "$2" --log-level warn ${TRACKER_ARGS:-} & pids+=($!)
  wait_port "$1"
}

# Warms up then measures wrk against every port given, all at once; prints one line.
run_load() {  # NAME PORT...
  local name=$1; shift
  for p in "$@"; do wrk -t1 -c"$CONNECTIONS" -d2s -s "$work/mix.lua" "http://127.0.0.1:$p/" >/dev/null & done
  wait_wrk
  [ "$name" = redis ] && cmdstats >"$work/before"
  local i=0
  for p in "$@"; do
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/mix.lua" "http://127.0.0.1:$p/" \
      >"$work/$name.$i.wrk" & i=$((i + 1))
  done
  wait_wrk
  [ "$name" = redis ] && cmdstats >"$work/after"
  local total=0 p99s=""
  for f in "$work/$name".*.wrk; do
    total=$((total + $(completed "$f")))
    p99s="$p99s $(p99_ms "$f")"
    if grep -q "Non-2xx" "$f"; then echo "warning: $name answered non-2xx" >&2; fi
  done
  eval "${name}_total=$total"
  printf "%-22s %12.0f %14s\n" "$name ($#)" "$(awk -v t="$total" -v d="$DURATION" 'BEGIN { print t / d }')" "$p99s"
}
wait_wrk() { while pgrep -P $$ wrk >/dev/null; do sleep 0.2; done; }

echo "== announce mix through two trackers over one Redis, wrk -t1 -c$CONNECTIONS -d${DURATION}s per process"
printf "%-22s %12s %14s\n" "store (processes)" "announces/s" "p99 ms each"
p1=$(free_port); start_tracker "$p1" "redis://127.0.0.1:$rport"
p2=$(free_port); start_tracker "$p2" "redis://127.0.0.1:$rport"
sleep 0.5
run_load redis "$p1" "$p2"
kill "${pids[@]:1}" 2>/dev/null || true; wait "${pids[@]:1}" 2>/dev/null || true; pids=("${pids[0]}")

p3=$(free_port); start_tracker "$p3" memory
run_load memory "$p3"

echo
echo "== Redis commands per announce (INFO commandstats, $redis_total announces; includes the sweeper)"
join -a2 -e0 -o 0,1.2,2.2 "$work/before" "$work/after" | awk -v n="$redis_total" '
  { d = $3 - $2; if (d <= 0) next
    top = ($1 ~ /^(evalsha|eval|sscan|script|select|info)/)
    if (top) { rt += d } else { inner += d }
    printf "  %-12s %10d  %.3f per announce%s\n", $1, d, d / n, top ? "  (round trip)" : "  (inside a script)" }
  END { printf "round trips per announce: %.3f; commands run inside scripts per announce: %.2f\n", rt / n, inner / n }'
awk -v a="$redis_total" -v b="$memory_total" 'BEGIN { printf "ratio two processes over Redis / one in-memory process: %.2fx\n", a / b }'
