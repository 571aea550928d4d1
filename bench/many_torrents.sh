#!/usr/bin/env bash
# bench/many_torrents.sh: one session seeding N small torrents (issue "The engine as a long-lived service": < 1 %
# CPU when idle, <= 64 MiB RSS, the status of all 1,000 read in < 5 ms), beside transmission-daemon seeding the
# same N torrents from the same files, in one run. Figures, not a test.
#   ours:   build/bin/many_torrents (bench/many_torrents/main.cpp), the session in-process; idle CPU by getrusage,
#           RSS from /proc/self/status, status of all N = session::statuses() (in-process call).
#   anchor: transmission-daemon (own config dir, loopback only, DHT/LPD/PEX/uTP/port mapping off, queues off);
#           idle CPU from /proc/PID/stat, RSS from /proc/PID/status, status of all N = one RPC torrent-get of
#           id,status,percentDone,rateUpload,peersConnected (a loopback HTTP round trip, so not the same thing:
#           shown for scale).
# Env: BUILD_DIR (default build), COUNT (1000), SIZE (65536 bytes each), IDLE_SECONDS (30), BENCH_DIR (a temp dir).
# Ours runs while the anchor adds and checks its copies (Transmission checks one torrent at a time, slowly), then
# the anchor is measured alone. Bounded: under 3 minutes with the defaults; every process it starts is stopped on
# exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
COUNT=${COUNT:-1000}
SIZE=${SIZE:-65536}
IDLE_SECONDS=${IDLE_SECONDS:-30}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/shoal-many.XXXXXX)}
mkdir -p "$WORK"
td_pid=""
ours_pid=""
cleanup() {
  [ -z "$ours_pid" ] || kill "$ours_pid" 2>/dev/null || true
  if [ -n "$td_pid" ] && kill -0 "$td_pid" 2>/dev/null; then
    kill "$td_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$td_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$td_pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $COUNT torrents of $SIZE bytes; idle window ${IDLE_SECONDS} s"

# --- ours, in the background: the anchor's adds and checks (slow: one at a time) overlap its run -------------------
rm -rf "$WORK/data" "$WORK/torrents"
timeout 150 "$BIN/many_torrents" --dir "$WORK" --count "$COUNT" --size "$SIZE" --idle-seconds "$IDLE_SECONDS" \
  > "$WORK/ours.txt" &
ours_pid=$!
made=0
for _ in $(seq 600); do  # the driver writes every file and .torrent first
  made=$( (find "$WORK/torrents" -name '*.torrent' 2>/dev/null || true) | wc -l)
  [ "$made" -ge "$COUNT" ] && break
  sleep 0.1
done
[ "$made" -ge "$COUNT" ] || { echo "many_torrents made only $made of $COUNT torrents"; exit 1; }
sleep 0.5

# --- anchor: transmission-daemon -------------------------------------------------------------------------------
if ! command -v transmission-daemon > /dev/null; then
  wait "$ours_pid"; cat "$WORK/ours.txt"
  echo "transmission-daemon: not installed (apt-get install transmission-daemon): no anchor this run"
  exit 0
fi
RPC=$(free_port)
PEER=$(free_port)
mkdir -p "$WORK/tr"
cat > "$WORK/tr/settings.json" <<JSON
{
  "download-dir": "$WORK/data", "incomplete-dir-enabled": false, "watch-dir-enabled": false,
  "rpc-enabled": true, "rpc-bind-address": "127.0.0.1", "rpc-port": $RPC, "rpc-authentication-required": false,
  "rpc-whitelist-enabled": false, "rpc-host-whitelist-enabled": false,
  "bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1", "peer-port": $PEER, "peer-port-random-on-start": false,
  "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
  "port-forwarding-enabled": false, "download-queue-enabled": false, "seed-queue-enabled": false,
  "queue-stalled-enabled": false, "start-added-torrents": true, "message-level": 1
}
JSON
transmission-daemon -f -g "$WORK/tr" > "$WORK/tr/log" 2>&1 &
td_pid=$!
wait_port "$RPC" || { echo "transmission-daemon did not open its RPC port"; exit 1; }
t0=$(date +%s.%N)
# One -a per file (given several files, one -a adds only the last); 200 files per call.
find "$WORK/torrents" -name '*.torrent' | sort | sed 's/^/-a\n/' | xargs -d '\n' -n 400 timeout 60 transmission-remote "127.0.0.1:$RPC" > /dev/null
wait "$ours_pid" || { echo "many_torrents failed"; exit 1; }
ours=$(cat "$WORK/ours.txt")
echo "$ours"
seeding=0
give_up=$((SECONDS + 100))
while [ "$SECONDS" -lt "$give_up" ]; do  # its checks: at most 100 s after ours ended
  case "$(awk '{print $3}' "/proc/$td_pid/stat" 2>/dev/null)" in Z | X | "") echo "transmission-daemon died:"; tail -5 "$WORK/tr/log"; exit 1 ;; esac
  seeding=$( (timeout 10 transmission-remote "127.0.0.1:$RPC" -l || true) | awk '$2 == "100%" {n++} END {print n+0}')
  [ "$seeding" -ge "$COUNT" ] && break
  sleep 0.5
done
t1=$(date +%s.%N)
[ "$seeding" -ge "$COUNT" ] || { echo "transmission-daemon: only $seeding of $COUNT complete after 100 s"; exit 1; }
sleep 2
# CPU of a pid in seconds, from /proc/PID/stat (utime + stime, in clock ticks).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
mib_of() { awk -v k="$2:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
c0=$(cpu_of "$td_pid"); w0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
c1=$(cpu_of "$td_pid"); w1=$(date +%s.%N)
td_rss=$(mib_of "$td_pid" VmRSS); td_hwm=$(mib_of "$td_pid" VmHWM)
td_cpu=$(awk -v a="$c0" -v b="$c1" -v s="$w0" -v e="$w1" 'BEGIN {printf "%.2f", 100 * (b - a) / (e - s)}')
td_rpc=$(/usr/bin/python3 - "$RPC" "$COUNT" <<'PY'
import json, sys, time, urllib.error, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/transmission/rpc"
body = json.dumps({"method": "torrent-get",
                   "arguments": {"fields": ["id", "status", "percentDone", "rateUpload", "peersConnected"]}}).encode()
sid = ""
def get():
    global sid
    for _ in range(2):
        req = urllib.request.Request(url, body, {"X-Transmission-Session-Id": sid})
        try:
            return json.load(urllib.request.urlopen(req, timeout=10))
        except urllib.error.HTTPError as e:
            if e.code != 409: raise
            sid = e.headers["X-Transmission-Session-Id"]
times = []
for _ in range(20):
    t = time.perf_counter()
    r = get()
    times.append((time.perf_counter() - t) * 1000)
    assert len(r["arguments"]["torrents"]) == int(sys.argv[2])
times.sort()
print(f"{times[len(times) // 2]:.3f} {times[-1]:.3f}")
PY
)
echo "transmission-daemon torrents=$COUNT all_complete_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')" \
     "idle_cpu_pct=$td_cpu rss_mib=$td_rss hwm_mib=$td_hwm rpc_torrent_get_median_ms=${td_rpc% *}" \
     "rpc_torrent_get_max_ms=${td_rpc#* } reads=20"
transmission-remote "127.0.0.1:$RPC" --exit > /dev/null 2>&1 || true
for _ in $(seq 50); do kill -0 "$td_pid" 2>/dev/null || break; sleep 0.1; done

# --- ratios (ours / anchor) ------------------------------------------------------------------------------------
awk -v oc="$(field idle_cpu_pct "$ours")" -v tc="$td_cpu" -v orss="$(field rss_mib "$ours")" -v trss="$td_rss" \
    -v oh="$(field hwm_mib "$ours")" -v th="$td_hwm" 'BEGIN {
  printf "ratios shoal/transmission: idle_cpu %s  rss %.2f  hwm %.2f\n", (tc > 0 ? sprintf("%.2f", oc / tc) : "n/a (anchor at 0)"), orss / trss, oh / th
}'
echo "targets: idle_cpu_pct < 1: $(field idle_cpu_pct "$ours"); rss_mib <= 64: $(field rss_mib "$ours");" \
     "status_all_median_ms < 5: $(field status_all_median_ms "$ours") (max $(field status_all_max_ms "$ours"))"
