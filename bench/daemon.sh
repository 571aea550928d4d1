#!/usr/bin/env bash
# bench/daemon.sh: issue 12's benchmark. COUNT small torrents (none seeded: their data is nowhere) added over the
# Transmission RPC to shoald and to Debian's transmission-daemon, one after the other in one run, by the same
# client (bench/daemon_driver.py): time to add them all, RSS and CPU when idle afterwards, and the time and size
# of a torrent-get of the list fields (what `transmission-remote -l` asks for) over all of them (get_median_ms: with
# the client's JSON parse of the reply, megabytes at 10,000; get_read_median_ms: to the reply's last byte).
# Target: shoald at most half of transmission-daemon's RSS and torrent-get time.
# Env: BUILD_DIR (default build), COUNT (10000), IDLE_SECONDS (20), READS (torrent-gets timed, 10),
# SETTLE_BOUND (seconds to wait for the daemons' checks to end, 600: Transmission checks one torrent at a time),
# PAUSED=1 (add them paused), BENCH_DIR (a temp dir, removed unless given). Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
[ -x "$BIN/shoald" ] || { echo "no $BIN/shoald: build it first (cmake --build build --target shoald)"; exit 1; }
command -v transmission-daemon > /dev/null || { echo "transmission-daemon: not installed (apt-get install transmission-daemon)"; exit 1; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec /usr/bin/python3 bench/daemon_driver.py --bin "$BIN" --count "${COUNT:-10000}" --idle-seconds "${IDLE_SECONDS:-20}" \
  --reads "${READS:-10}" --settle-bound "${SETTLE_BOUND:-600}" ${PAUSED:+--paused} ${BENCH_DIR:+--dir "$BENCH_DIR"}
