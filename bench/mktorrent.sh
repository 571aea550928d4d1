#!/usr/bin/env bash
# bench/mktorrent.sh [BUILD_DIR]: mktorrent-lite against `mktorrent -t N` on one generated
# file (1 GiB by default, warm page cache), at N = 1, 2 and nproc, in the same run.
# Prints wall time (hyperfine mean), peak RSS (/usr/bin/time), throughput, and the ratio to
# N x the single-core `openssl speed -evp sha1 -bytes 16384` rate (the hashing ceiling).
# Env: SHOAL_BENCH_DIR (scratch folder), SIZE_MIB (default 1024), RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
lite=$PWD/$build/bin/mktorrent-lite
work=${SHOAL_BENCH_DIR:-/tmp/shoal-bench-mktorrent}
size_mib=${SIZE_MIB:-1024}
runs=${RUNS:-5}
py=/usr/bin/python3
for tool in "$lite" mktorrent hyperfine openssl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

mkdir -p "$work"
data=$work/data.bin
size=$((size_mib << 20))
if [ ! -f "$data" ] || [ "$(stat -c %s "$data")" -ne "$size" ]; then
  echo "generating $size_mib MiB of random data in $data"
  head -c "$size" /dev/urandom >"$data"
fi
cat "$data" >/dev/null  # warm cache: both tools read from memory

# 1 MiB pieces for both (mktorrent-lite picks it by default for 1 GiB; mktorrent needs -l 20).
lite_cmd() { echo "$lite $data -j $1 -l 20 --no-date -o $work/lite.torrent -f"; }
mk_cmd() { echo "mktorrent -t $1 -l 20 -d -o $work/mk.torrent $data"; }
peak_rss_kib() { /usr/bin/time -f %M sh -c "$1 >/dev/null 2>&1" 2>&1 | tail -1; }

rate_k=$(openssl speed -evp sha1 -bytes 16384 -seconds 3 2>/dev/null | awk '/^sha1/ {print $NF}' | tr -d k)
echo "openssl speed -evp sha1 -bytes 16384 -seconds 3: ${rate_k}k bytes/s per core"
echo "CPU: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load: $(cut -d' ' -f1-3 /proc/loadavg)"

threads=$(printf '%s\n' 1 2 "$(nproc)" | sort -nu)
printf '\n%-3s %15s %15s %8s %10s %10s %7s %9s %9s %9s %9s\n' N lite_s mktorrent_s speedup lite_MB/s ceil_MB/s ratio lite_CPU mk_CPU lite_RSS mk_RSS
for n in $threads; do
  json=$work/hyperfine-$n.json
  hyperfine -N -w 1 -r "$runs" --prepare "rm -f $work/mk.torrent" --export-json "$json" \
    "$(lite_cmd "$n")" "$(mk_cmd "$n")" >/dev/null 2>&1
  rm -f "$work/mk.torrent"
  lite_rss=$(peak_rss_kib "$(lite_cmd "$n")")
  rm -f "$work/mk.torrent"
  mk_rss=$(peak_rss_kib "$(mk_cmd "$n")")
  $py - "$json" "$n" "$size" "$rate_k" "$lite_rss" "$mk_rss" <<'PY'
import json, sys
path, n, size, rate_k, lite_rss, mk_rss = sys.argv[1:]
lite, mk = json.load(open(path))["results"]
n, size = int(n), int(size)
ceiling = n * float(rate_k) * 1000
cpu = lambda r: r["user"] + r["system"]
print("%-3d %7.3f/%.3f %7.3f/%.3f %7.2fx %10.0f %10.0f %7.2f %8.3fs %8.3fs %6.1fMiB %6.1fMiB" % (
    n, lite["mean"], lite["min"], mk["mean"], mk["min"], mk["mean"] / lite["mean"],
    size / lite["mean"] / 1e6, ceiling / 1e6, size / lite["mean"] / ceiling, cpu(lite), cpu(mk),
    int(lite_rss) / 1024, int(mk_rss) / 1024))
PY
done
echo
echo "times: mean/min wall seconds over $runs runs; speedup = mktorrent mean / mktorrent-lite mean;"
echo "ratio = mktorrent-lite throughput (from the mean) / (N x openssl rate); CPU = mean user+system seconds"
rm -f "$work/lite.torrent" "$work/mk.torrent"
