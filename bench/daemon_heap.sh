#!/usr/bin/env bash
# bench/daemon_heap.sh [BUILD_DIR]: where an idle torrent's memory goes in shoald. Starts shoald under heaptrack's
# preload library, adds COUNT of bench/daemon_driver.py's torrents over the RPC, waits, prints RSS, then kills it
# with SIGKILL: what heaptrack reports as leaked is exactly what was live at that moment. Prints the total heap,
# the heap per torrent and the largest live allocation sites.
# Env: COUNT (default 2000), SETTLE (seconds after the adds, default 5), TOP (sites shown, default 25), WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shoald=$PWD/$build/bin/shoald
count=${COUNT:-2000}
settle=${SETTLE:-5}
top=${TOP:-25}
work=${WORK:-$(mktemp -d /tmp/shoal-daemon-heap.XXXXXX)}
preload=/usr/lib/heaptrack/libheaptrack_preload.so
interpret=/usr/lib/heaptrack/libexec/heaptrack_interpret
for f in "$shoald" "$preload" "$interpret" /usr/bin/heaptrack_print; do
  [ -e "$f" ] || { echo "missing: $f (apt-get install heaptrack)" >&2; exit 1; }
done
mkdir -p "$work/state" "$work/data"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
peer=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
LD_PRELOAD=$preload DUMP_HEAPTRACK_OUTPUT=$work/heap.raw "$shoald" --state-dir "$work/state" \
  --download-dir "$work/data" --rpc-port "$port" --peer-port "$peer" --peer-host 127.0.0.1 --log-level warn \
  >"$work/shoald.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT
PYTHONPATH=$PWD/bench /usr/bin/python3 - "$port" "$count" "$settle" "$pid" <<'PY'
import base64, socket, sys, time
from daemon_driver import make_torrent, rpc
port, count, settle, pid = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
give_up = time.monotonic() + 60
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        break
    except OSError:
        if time.monotonic() > give_up:
            raise SystemExit("shoald did not open its RPC port within 60 s")
        time.sleep(0.1)
r = rpc(port)
for i in range(count):
    reply, _ = r.call("torrent-add", {"metainfo": base64.b64encode(make_torrent(i)).decode()})
    if reply["result"] != "success":
        raise SystemExit(f"torrent-add {i}: {reply['result']}")
time.sleep(settle)
status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
print(f"torrents={count} rss_kib={status['VmRSS'].split()[0]} hwm_kib={status['VmHWM'].split()[0]}")
PY
kill -9 $pid
wait $pid 2>/dev/null || true
trap - EXIT
"$interpret" <"$work/heap.raw" | gzip >"$work/heap.gz"
heaptrack_print -f "$work/heap.gz" --print-peaks 0 --print-allocators 0 --print-temporary 0 --print-leaks 1 \
  -n "$top" -s 0 2>/dev/null >"$work/live.txt"
total=$(grep -o 'total memory leaked: [0-9.]*[KMG]\?' "$work/live.txt" | awk '{print $4}')
echo "live heap at the kill: $total for $count torrents (allocation sites in $work/live.txt)"
# Each site with the first frame of ours (or Asio's) under it.
awk '/leaked over/ {if (h) print h " <- " f; h = $0; f = ""; next}
     /shoal::|asio::/ {if (f == "" && $0 !~ /allocator|aligned_new|thread_info_base|awaitable_frame_base|__shared|make_shared|_MakeUniq|basic_string/) f = $0}
     END {if (h) print h " <- " f}' "$work/live.txt" | cut -c1-200
