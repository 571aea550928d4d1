#!/usr/bin/env bash
# bench/dht_lookup.sh: get_peers lookups in a local network of our DHT nodes on loopback (bench/dht_lookup/main.cpp:
# N nodes in one process, each bootstrapped from node 0 and one earlier node; a random node announces a random
# info-hash, another looks it up). Prints each lookup's queries, round trips and time, their summary and the
# theoretical minimum of round trips (ceil(log_K N), K = 8). Figures, not a test. Env: BUILD_DIR (default build),
# NODES (default 50), LOOKUPS (default 20 per run), RUNS (default 3: a new network, new ids, each time).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BUILD_DIR:-build}/bin")
NODES=${NODES:-50}
LOOKUPS=${LOOKUPS:-20}
RUNS=${RUNS:-3}
for run in $(seq "$RUNS"); do
  echo "== run $run of $RUNS"
  "$BIN/dht_lookup" --nodes "$NODES" --lookups "$LOOKUPS" --seed "$run" | grep -v '^lookup '
done
