#!/usr/bin/env bash
# UDP tracker benchmark (BEP 15; prints figures, not a test). Needs a release build
# (scripts/build.sh build). Our tracker and Debian's opentracker (IPv4 build, whitelist of
# the bench torrents) on loopback, one after the other under the same load from
# bench/udp_tracker_load (batched sendmmsg/recvmmsg, a window of announces in flight, the
# announce mix of bench/tracker/announce_mix.lua over 1,000 torrents): announces answered
# per second, CPU seconds of the server process (utime+stime from /proc/PID/stat over the
# measured run), announces per CPU-second, and the ratios.
# Env: BUILD (build dir, default build), DURATION (s, 10), WINDOW (announces in flight per
#      load thread, 512), LOAD_THREADS (1), TRACKER_ARGS (extra options for our tracker).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-10}
WINDOW=${WINDOW:-512}
LOAD_THREADS=${LOAD_THREADS:-1}
TRACKER=$BUILD/bin/tracker
LOAD=$BUILD/bin/udp_tracker_load
ANNOUNCE=$BUILD/bin/announce
for b in "$TRACKER" "$LOAD" "$ANNOUNCE"; do [ -x "$b" ] || { echo "build first: $b missing" >&2; exit 1; }; done
work=$(mktemp -d /tmp/shoal-tracker-udp-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A port free for TCP and UDP both (each tracker serves both on one number).
free_port() { PYTHONPATH=tests/lib python3 -c 'import ports; print(ports.free_tcp_udp_port())'; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2"; }

python3 - "$work" <<'PY'
import os, sys
with open(f"{sys.argv[1]}/whitelist", "w") as f:
    f.writelines(os.urandom(20).hex() + "\n" for _ in range(1000))
PY
chmod 644 "$work/whitelist"
first_hash=$(head -1 "$work/whitelist")

# Waits until a UDP announce to PORT is answered (opentracker reads its whitelist late).
wait_udp() {
  for _ in $(seq 100); do
    "$ANNOUNCE" --info-hash "$first_hash" --tracker "udp://127.0.0.1:$1/announce" --timeout 1 \
      >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "no UDP tracker answers on port $1" >&2; return 1
}

# run_load NAME PID PORT: warm up, then measure one load run against PID.
run_load() {
  local name=$1 pid=$2 port=$3
  local args=(--port "$port" --hashes "$work/whitelist" --window "$WINDOW" --threads "$LOAD_THREADS")
  "$LOAD" "${args[@]}" --seconds 2 >/dev/null
  local cpu0; cpu0=$(cpu_seconds "$pid")
  "$LOAD" "${args[@]}" --seconds "$DURATION" >"$work/$name.load"
  local cpu1; cpu1=$(cpu_seconds "$pid")
  local answered errors lost secs
  answered=$(field answered "$work/$name.load"); errors=$(field errors "$work/$name.load")
  lost=$(field lost "$work/$name.load"); secs=$(field seconds "$work/$name.load")
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  local rate; rate=$(awk -v n="$answered" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
  local per_cpu; per_cpu=$(awk -v n="$answered" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0) ? n / c : 0 }')
  printf "%-12s %12s %10s %10s %10s %16s\n" "$name" "$rate" "$errors" "$lost" "$cpu" "$per_cpu"
  eval "${name//-/_}_rate=$rate; ${name//-/_}_percpu=$per_cpu"
}

echo "== UDP announce mix: 1,000 torrents, udp_tracker_load --window $WINDOW --threads $LOAD_THREADS, ${DURATION}s"
printf "%-12s %12s %10s %10s %10s %16s\n" server "announces/s" errors lost "CPU s" "announces/CPU-s"
port=$(free_port)
"$TRACKER" --host 127.0.0.1 --port "$port" --log-level warn ${TRACKER_ARGS:-} & pids+=($!); ours=$!
wait_udp "$port"
run_load shoal "$ours" "$port"
kill "$ours"; wait "$ours" 2>/dev/null || true

port=$(free_port)
opentracker -i 127.0.0.1 -p "$port" -P "$port" -w "$work/whitelist" >/dev/null 2>&1 & pids+=($!); ot=$!
wait_udp "$port"
run_load opentracker "$ot" "$port"
kill "$ot"; wait "$ot" 2>/dev/null || true
awk -v a="$shoal_rate" -v b="$opentracker_rate" -v c="$shoal_percpu" -v d="$opentracker_percpu" \
  'BEGIN { printf "ratio shoal/opentracker: announces/s %.2fx, announces per CPU-second %.2fx\n", a / b, c / d }'
