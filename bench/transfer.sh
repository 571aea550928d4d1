#!/usr/bin/env bash
# bench/transfer.sh: one seed -> one leech of a 1 GiB file on loopback, for our pair, libtorrent's and aria2's,
# in one run, beside this machine's floor (bench/loopback_floor: the same copies, writes and SHA-1, no protocol).
# Prints the time to a verified file, the rate, and the peak RSS and CPU seconds (user + system, the seed's
# including its start-up check) of each process (/usr/bin/time -v).
# Figures, not a test. Env: BUILD_DIR (default build), SIZE_MIB (default 1024), BENCH_DIR (default a temp dir),
# PAIRS (default "shoal floor libtorrent aria2").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
SIZE_MIB=${SIZE_MIB:-1024}
PAIRS=${PAIRS:-"shoal floor libtorrent aria2"}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/shoal-bench.XXXXXX)}
mkdir -p "$WORK"
pids=()
cleanup() {
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }
peak_rss_mib() { awk '/Maximum resident set size/ {printf "%.1f", $NF/1024}' "$1"; }
cpu_s() { awk '/User time|System time/ {t += $NF} END {printf "%.2f", t}' "$1"; }  # user + system seconds

mkdir -p "$WORK/data"
if [ ! -f "$WORK/data/sample.bin" ] || [ "$(stat -c %s "$WORK/data/sample.bin")" -ne $((SIZE_MIB << 20)) ]; then
  head -c $((SIZE_MIB << 20)) /dev/urandom > "$WORK/data/sample.bin"
fi
TPORT=$(free_port)
"$BIN/tracker" --host 127.0.0.1 --port "$TPORT" --interval 5 --min-interval 1 > "$WORK/tracker.log" 2>&1 &
pids+=($!)
wait_port "$TPORT"
rm -f "$WORK/sample.torrent"
mktorrent -l 20 -a "http://127.0.0.1:$TPORT/announce" -o "$WORK/sample.torrent" "$WORK/data/sample.bin" > /dev/null
cat "$WORK/data/sample.bin" > /dev/null  # every pair starts with the data in the page cache

LT_SCRIPT="$WORK/lt.py"
cat > "$LT_SCRIPT" <<'PY'
import sys, time
import libtorrent as lt
role, torrent, path, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seed_port = int(sys.argv[5]) if len(sys.argv) > 5 else 0
s = lt.session({'listen_interfaces': '127.0.0.1:%d' % port, 'enable_dht': False, 'enable_lsd': False,
                'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True,
                # TCP like the other pairs: libtorrent prefers uTP, which crawls on loopback
                'enable_outgoing_utp': False, 'enable_incoming_utp': False})
h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': path})
start = time.time()
if seed_port:
    h.connect_peer(('127.0.0.1', seed_port))  # as our leech's --peer: no wait for the tracker
while not h.status().is_seeding:
    time.sleep(0.05)
if role == 'leech':
    print('done in %.2f s' % (time.time() - start), flush=True)
    sys.exit(0)
print('seeding', flush=True)
while True:
    time.sleep(1)
PY

run_pair() {  # name seed-cmd... -- leech-cmd...
  local name=$1; shift
  local seed=() leech=()
  while [ "$1" != "--" ]; do seed+=("$1"); shift; done; shift
  leech=("$@")
  rm -rf "$WORK/out"; mkdir -p "$WORK/out"
  /usr/bin/time -v -o "$WORK/$name.seed.time" "${seed[@]}" > "$WORK/$name.seed.log" 2>&1 &
  local seed_pid=$!
  pids+=($seed_pid)
  sleep "${SEED_WARMUP:-4}"  # the seed checks its data and announces before the leech starts
  local t0 t1
  t0=$(date +%s.%N)
  timeout "${LEECH_TIMEOUT:-600}" /usr/bin/time -v -o "$WORK/$name.leech.time" "${leech[@]}" > "$WORK/$name.leech.log" 2>&1 || true
  t1=$(date +%s.%N)
  pkill -TERM -P "$seed_pid" 2>/dev/null || true  # the seed itself, not /usr/bin/time
  wait "$seed_pid" 2>/dev/null || true
  local ok=VERIFIED
  cmp -s "$WORK/data/sample.bin" "$WORK/out/sample.bin" || ok=MISMATCH
  local secs rate
  secs=$(echo "$t1 - $t0" | bc -l)
  rate=$(echo "$SIZE_MIB * 1048576 / $secs / 1000000" | bc -l)
  printf "%-11s %8.2f s %9.1f MB/s   seed RSS %7s MiB   leech RSS %7s MiB   CPU seed %5s s leech %5s s   %s\n" \
    "$name" "$secs" "$rate" "$(peak_rss_mib "$WORK/$name.seed.time")" "$(peak_rss_mib "$WORK/$name.leech.time")" \
    "$(cpu_s "$WORK/$name.seed.time")" "$(cpu_s "$WORK/$name.leech.time")" "$ok"
}

# The sender's CPU depends on the kernel's congestion control (BBR paces every send with a timer; Debian's default
# is cubic): say which one this run had.
CC=$(cat /proc/sys/net/ipv4/tcp_congestion_control 2>/dev/null || echo unknown)
echo "transfer of $SIZE_MIB MiB, one seed -> one leech on loopback (data in page cache; time = leech start to verified file; TCP congestion control: $CC)"
for pair in $PAIRS; do
  SP=$(free_port); LP=$(free_port)
  case $pair in
    shoal)
      run_pair shoal "$BIN/seed" "$WORK/sample.torrent" --data "$WORK/data/sample.bin" --host 127.0.0.1 --port "$SP" -- \
        "$BIN/leech" "$WORK/sample.torrent" -o "$WORK/out" --host 127.0.0.1 --port "$LP" --peer "127.0.0.1:$SP" --timeout 120 ;;
    floor)
      run_pair floor "$BIN/loopback_floor" send "$WORK/data/sample.bin" "$SP" -- \
        "$BIN/loopback_floor" receive "$WORK/out/sample.bin" $((SIZE_MIB << 20)) "$SP" ;;
    libtorrent)
      run_pair libtorrent /usr/bin/python3 "$LT_SCRIPT" seed "$WORK/sample.torrent" "$WORK/data" "$SP" -- \
        /usr/bin/python3 "$LT_SCRIPT" leech "$WORK/sample.torrent" "$WORK/out" "$LP" "$SP" ;;
    aria2)
      A="--enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false --summary-interval=0 --console-log-level=warn --disable-ipv6=true"
      # shellcheck disable=SC2086
      run_pair aria2 aria2c $A -V --seed-ratio=0.0 --dir "$WORK/data" --listen-port="$SP" "$WORK/sample.torrent" -- \
        aria2c $A --seed-time=0 --file-allocation=none --dir "$WORK/out" --listen-port="$LP" "$WORK/sample.torrent" ;;
  esac
done
