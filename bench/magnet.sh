#!/usr/bin/env bash
# bench/magnet.sh: a magnet link -> metadata -> first verified piece -> complete file on loopback, for our leech,
# libtorrent's and aria2's, in one run, each fetching from OUR seed (given as x.pe to ours, connect_peer to
# libtorrent, a one-peer tracker to aria2c, which reads no x.pe). Times come from each leech itself (our --json
# events, libtorrent's alerts, aria2's log; see bench/magnet_driver.py), in seconds from the leech's launch, and
# "meta/added" from the moment the torrent was added inside it (no process start). Prints each run, the medians,
# and our ratios to the others (below 1: ours is faster). Figures, not a test.
# Env: BUILD_DIR (default build), SIZE_MIB (default 128), PIECE_KIB (default 64: 2048 pieces, ~40 KB of metadata
# in 3 ut_metadata pieces), RUNS (default 3), CLIENTS (default "shoal libtorrent aria2"), BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
DRIVER=$(realpath bench/magnet_driver.py)
SIZE_MIB=${SIZE_MIB:-128}
PIECE_KIB=${PIECE_KIB:-64}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-"shoal libtorrent aria2"}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/shoal-bench.XXXXXX)}
mkdir -p "$WORK"
seed_pid=
cleanup() {
  [ -z "$seed_pid" ] || { kill "$seed_pid" 2>/dev/null || true; wait "$seed_pid" 2>/dev/null || true; }
  [ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 400); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }

mkdir -p "$WORK/data"
if [ ! -f "$WORK/data/sample.bin" ] || [ "$(stat -c %s "$WORK/data/sample.bin")" -ne $((SIZE_MIB << 20)) ]; then
  head -c $((SIZE_MIB << 20)) /dev/urandom > "$WORK/data/sample.bin"
fi
rm -f "$WORK/sample.torrent"
piece_log=$(/usr/bin/python3 -c "import math; print(int(math.log2($PIECE_KIB * 1024)))")
mktorrent -l "$piece_log" -o "$WORK/sample.torrent" "$WORK/data/sample.bin" > /dev/null
HASH=$("$BIN/torrent-info" "$WORK/sample.torrent" | awk '/^info-hash:/ {print $2}')
cat "$WORK/data/sample.bin" > /dev/null  # every leech starts with the seed's data in the page cache

SP=$(free_port)
"$BIN/seed" "$WORK/sample.torrent" --data "$WORK/data/sample.bin" --host 127.0.0.1 --port "$SP" --no-dht \
  > "$WORK/seed.log" 2>&1 &
seed_pid=$!
wait_port "$SP"
for _ in $(seq 600); do grep -q "seeding" "$WORK/seed.log" && break; sleep 0.1; done

echo "magnet of a $SIZE_MIB MiB file ($PIECE_KIB KiB pieces) from our seed on loopback, $RUNS runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$WORK/results.jsonl"
for run in $(seq "$RUNS"); do
  for client in $CLIENTS; do
    rm -rf "$WORK/out"; mkdir -p "$WORK/out"
    LP=$(free_port)
    case $client in
      shoal) line=$(/usr/bin/python3 "$DRIVER" shoal "$BIN/leech" "magnet:?xt=urn:btih:$HASH&x.pe=127.0.0.1:$SP" \
                      "$WORK/out" "$LP") ;;
      libtorrent) line=$(/usr/bin/python3 "$DRIVER" libtorrent "magnet:?xt=urn:btih:$HASH" "$WORK/out" "$LP" "$SP") ;;
      aria2) rm -f "$WORK/aria2.log"
             line=$(/usr/bin/python3 "$DRIVER" aria2 "$HASH" "$WORK/out" "$LP" "$SP" "$WORK/aria2.log") ;;
    esac
    cmp -s "$WORK/data/sample.bin" "$WORK/out/sample.bin" && ok=True || ok=False
    echo "$line" | /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read()); d['run']=$run; d['verified']=$ok; print(json.dumps(d))" \
      >> "$WORK/results.jsonl"
  done
done

/usr/bin/python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = [("metadata", "metadata"), ("piece", "1st piece"), ("complete", "complete")]
def fmt(v): return "%9.3f" % v if v is not None else "        -"
print("%-11s %4s %9s %9s %9s %11s  %s" % ("client", "run", "metadata", "1st piece", "complete", "meta/added", "file"))
for r in rows:
    rel = r["metadata"] - r["added"] if "metadata" in r and "added" in r else None
    print("%-11s %4d %s %s %s   %s  %s" % (r["client"], r["run"], *(fmt(r.get(k)) for k, _ in keys), fmt(rel),
                                          "VERIFIED" if r["verified"] else "MISMATCH (exit %s)" % r["exit"]))
med = {}
for c in dict.fromkeys(r["client"] for r in rows):
    mine = [r for r in rows if r["client"] == c]
    m = {}
    for k, _ in keys:
        vals = [r[k] for r in mine if k in r]
        m[k] = statistics.median(vals) if vals else None
    vals = [r["metadata"] - r["added"] for r in mine if "metadata" in r and "added" in r]
    m["rel"] = statistics.median(vals) if vals else None
    med[c] = m
    print("%-11s  med %s %s %s   %s" % (c, *(fmt(m[k]) for k, _ in keys), fmt(m["rel"])))
if "shoal" in med:
    for other in [c for c in med if c != "shoal"]:
        parts = []
        for k, name in keys + [("rel", "meta/added")]:
            a, b = med["shoal"][k], med[other][k]
            parts.append("%s %s" % (name, "%.2f" % (a / b) if a is not None and b else "-"))
        print("shoal / %-10s %s" % (other + ":", ", ".join(parts)))
PY
