#!/usr/bin/env bash
# scripts/demo.sh: a real swarm on loopback. Our tracker, a torrent of a generated sample file (mktorrent-lite),
# one seed, and two leeches downloading at the same time; each leech ends with a verified copy, its time and rate.
# Needs a built tree: ${BUILD_DIR:-build}/bin. Env: DEMO_MIB (size of the sample, default 256).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
MIB=${DEMO_MIB:-256}
for tool in tracker mktorrent-lite seed leech; do
  [ -x "$BIN/$tool" ] || { echo "demo: $BIN/$tool is missing: build first (scripts/build.sh)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/shoal-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; echo "demo: nothing on port $1" >&2; return 1; }

echo "== generating a $MIB MiB sample file"
mkdir -p "$WORK/seed"
head -c $((MIB << 20)) /dev/urandom > "$WORK/seed/sample.bin"

TPORT=$(free_port)
echo "== tracker on 127.0.0.1:$TPORT"
"$BIN/tracker" --host 127.0.0.1 --port "$TPORT" --interval 10 --min-interval 1 > "$WORK/tracker.log" 2>&1 &
pids+=($!)
wait_port "$TPORT"

echo "== mktorrent-lite"
"$BIN/mktorrent-lite" "$WORK/seed/sample.bin" -a "http://127.0.0.1:$TPORT/announce" -o "$WORK/sample.torrent"

SPORT=$(free_port)
echo "== seed on 127.0.0.1:$SPORT (checks the data first)"
"$BIN/seed" "$WORK/sample.torrent" --data "$WORK/seed/sample.bin" --host 127.0.0.1 --port "$SPORT" \
  > "$WORK/seed.log" 2>&1 &
pids+=($!)
wait_port "$SPORT"
sleep 1  # its first announce reaches the tracker

echo "== two leeches at once, finding the seed (and each other) through the tracker"
# Timed with bash's own clock ($EPOCHREALTIME in microseconds, bash 5.1+; no bc).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t)); }
hundredths() { printf "%d.%02d" $(($1 / 100)) $(($1 % 100)); }  # "12.34" from a count of hundredths
bytes=$((MIB << 20))
start=$(now_us)
leech_pids=()
for n in 1 2; do
  "$BIN/leech" "$WORK/sample.torrent" -o "$WORK/leech$n" --host 127.0.0.1 --port "$(free_port)" --timeout 60 \
    > "$WORK/leech$n.log" 2>&1 &
  leech_pids+=($!)
  pids+=($!)
done
declare -A end_us exit_status
running=("${leech_pids[@]}")
while ((${#running[@]} > 0)); do  # in the order they finish, so each gets its own time
  rc=0
  wait -n -p done_pid "${running[@]}" || rc=$?
  end_us[$done_pid]=$(now_us)
  exit_status[$done_pid]=$rc
  left=()
  for p in "${running[@]}"; do [ "$p" = "$done_pid" ] || left+=("$p"); done
  running=("${left[@]}")
done
status=0
for n in 1 2; do
  pid=${leech_pids[$((n - 1))]}
  if [ "${exit_status[$pid]}" = 0 ]; then
    if cmp -s "$WORK/seed/sample.bin" "$WORK/leech$n/sample.bin"; then
      us=$((end_us[$pid] - start))
      ((us > 0)) || us=1
      echo "leech $n: verified copy, byte-identical to the original; $MIB MiB in $(hundredths $((us / 10000))) s" \
        "($(hundredths $((bytes * 100000000 / us / 1048576))) MiB/s)"
    else
      echo "leech $n: copy DIFFERS from the original"; status=1
    fi
  else
    echo "leech $n: FAILED (exit status ${exit_status[$pid]})"; status=1
  fi
  grep -E "complete:|error" "$WORK/leech$n.log" | sed "s/^/  leech $n: /" || true
done
last=$start
for pid in "${leech_pids[@]}"; do ((end_us[$pid] > last)) && last=${end_us[$pid]}; done
echo "== both leeches done in $(hundredths $(((last - start) / 10000))) s (from their start to the last one's exit)"
exit $status
