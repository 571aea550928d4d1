#!/usr/bin/env bash
# bench/swarm.sh: one seed fills eight leeches with a generated file on loopback, all peers finding each other
# through our tracker; our seed/leech against libtorrent in one run, and the ratio of the times.
# Time = from the leeches' start until all eight have exited (ours) / are seeding (libtorrent), files verified
# with cmp. Peak RSS per process via /usr/bin/time -f %M. Figures, not a test.
# Env: BUILD_DIR (default build), SIZE_MIB (default 256), LEECHES (default 8), WAIT_S (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
SIZE_MIB=${SIZE_MIB:-256}
LEECHES=${LEECHES:-8}
WAIT_S=${WAIT_S:-300}
WORK=$(mktemp -d /tmp/shoal-swarm.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${pids[@]}"; do pkill -KILL -P "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }
kib_to_mib() { awk '/^[0-9]+$/ {v = $1} END {if (v == "") print "?"; else printf "%.1f", v / 1024}' "$1" 2>/dev/null || echo "?"; }

mkdir -p "$WORK/data"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$WORK/data/sample.bin"
start_tracker() {  # a fresh tracker and torrent per swarm: no peers left over from the previous one
  TPORT=$(free_port)
  "$BIN/tracker" --host 127.0.0.1 --port "$TPORT" --interval 5 --min-interval 1 > "$WORK/tracker.$1.log" 2>&1 &
  pids+=($!)
  TRACKER_PID=$!
  wait_port "$TPORT"
  "$BIN/mktorrent-lite" -f -a "http://127.0.0.1:$TPORT/announce" -o "$WORK/sample.torrent" "$WORK/data/sample.bin" > /dev/null 2>&1
  cat "$WORK/data/sample.bin" > /dev/null  # both swarms start with the seed's data in the page cache
}

LT_SCRIPT="$WORK/lt.py"
cat > "$LT_SCRIPT" <<'PY'
import sys, time
import libtorrent as lt
role, torrent, path, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = lt.session({'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False,
                'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True,
                # TCP only: uTP crawls on loopback
                'enable_outgoing_utp': False, 'enable_incoming_utp': False,
                # a tracker on 127.0.0.1 and peers on loopback ports
                'ssrf_mitigation': False, 'no_connect_privileged_ports': False,
                'announce_to_all_trackers': True, 'announce_to_all_tiers': True, 'stop_tracker_timeout': 1})
h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': path})
while not h.status().is_seeding:
    time.sleep(0.02)
if role == 'leech':
    sys.exit(0)  # like our leech without --seed: leave once complete
print('seeding', flush=True)
while True:
    time.sleep(1)
PY

seed_ready() {  # the tracker lists one complete peer for the torrent
  /usr/bin/python3 - "$TPORT" "$WORK/sample.torrent" <<'PY'
import hashlib, sys, urllib.request, urllib.parse
raw = open(sys.argv[2], 'rb').read()
i = raw.index(b'4:info') + 6
ih = hashlib.sha1(raw[i:-1]).digest()
url = 'http://127.0.0.1:%s/scrape?info_hash=%s' % (sys.argv[1], urllib.parse.quote(ih))
body = urllib.request.urlopen(url, timeout=5).read()
sys.exit(0 if b'8:completei1e' in body else 1)
PY
}

run_swarm() {  # name seed-cmd... -- leech-cmd-with-@OUT@-@PORT@...
  local name=$1; shift
  local seed=() leech=()
  while [ "$1" != "--" ]; do seed+=("$1"); shift; done; shift
  leech=("$@")
  /usr/bin/time -f %M -o "$WORK/$name.seed.rss" "${seed[@]}" > "$WORK/$name.seed.log" 2>&1 &
  local seed_pid=$!
  pids+=($seed_pid)
  local ready=0
  for _ in $(seq $((WAIT_S * 5))); do seed_ready && { ready=1; break; }; sleep 0.2; done
  [ $ready = 1 ] || { echo "$name: seed never announced complete"; return 1; }
  local lpids=() ports=() t0 t1 i
  for i in $(seq "$LEECHES"); do  # ports and folders first: the clock times the swarm, not this loop
    mkdir -p "$WORK/$name.out$i"
    ports[$i]=$(free_port)
  done
  t0=$(date +%s.%N)
  for i in $(seq "$LEECHES"); do
    local cmd=("${leech[@]//@OUT@/$WORK/$name.out$i}")
    cmd=("${cmd[@]//@PORT@/${ports[$i]}}")
    timeout "$WAIT_S" /usr/bin/time -f %M -o "$WORK/$name.leech$i.rss" "${cmd[@]}" > "$WORK/$name.leech$i.log" 2>&1 &
    lpids+=($!); pids+=($!)
  done
  local failed=0 rc
  for i in "${!lpids[@]}"; do
    rc=0; wait "${lpids[$i]}" || rc=$?
    [ $rc = 0 ] || { failed=1; echo "$name leech $((i + 1)) exited $rc"; }
  done
  t1=$(date +%s.%N)
  pkill -TERM -P "$seed_pid" 2>/dev/null || true  # the seed itself, not /usr/bin/time
  wait "$seed_pid" 2>/dev/null || true
  kill "$TRACKER_PID" 2>/dev/null || true
  local ok=VERIFIED rss=""
  for i in $(seq "$LEECHES"); do
    cmp -s "$WORK/data/sample.bin" "$WORK/$name.out$i/sample.bin" || ok=MISMATCH
    rss+=" $(kib_to_mib "$WORK/$name.leech$i.rss")"
    rm -rf "$WORK/$name.out$i"
  done
  [ $failed = 0 ] || ok="FAILED"
  local secs
  secs=$(echo "$t1 - $t0" | bc -l)
  printf "%-11s %8.2f s   seed RSS %6s MiB   leech RSS MiB:%s   %s\n" "$name" "$secs" \
    "$(kib_to_mib "$WORK/$name.seed.rss")" "$rss" "$ok"
  eval "T_$name=$secs"
}

echo "swarm: one seed -> $LEECHES leeches, $SIZE_MIB MiB, loopback, via our tracker (time = leeches' start to all verified)"
start_tracker shoal
SP=$(free_port)
run_swarm shoal "$BIN/seed" "$WORK/sample.torrent" --data "$WORK/data/sample.bin" --host 127.0.0.1 --port "$SP" -- \
  "$BIN/leech" "$WORK/sample.torrent" -o @OUT@ --host 127.0.0.1 --port @PORT@ --timeout 120
[ "${SHOAL_ONLY:-0}" = 1 ] && exit 0  # ours alone (profiling)
start_tracker libtorrent
SP=$(free_port)
run_swarm libtorrent /usr/bin/python3 "$LT_SCRIPT" seed "$WORK/sample.torrent" "$WORK/data" "$SP" -- \
  /usr/bin/python3 "$LT_SCRIPT" leech "$WORK/sample.torrent" @OUT@ @PORT@
printf "ratio shoal/libtorrent: %.2f (target <= 0.50)\n" "$(echo "$T_shoal / $T_libtorrent" | bc -l)"
