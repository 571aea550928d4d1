#!/usr/bin/env bash
# Checks the module layering, installs what is needed, builds, and runs every test: unit, integration, interop and
# conformance (release build), the same under ASan+UBSan, then each libFuzzer target briefly.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
export CCACHE_BASEDIR=$PWD
jobs=${SHOAL_JOBS:-$(nproc)}
failed=0

run_ctest() {  # dir, label regex
  (cd "$1" && ctest --output-on-failure --no-tests=error -j "$jobs" -L "$2") || failed=1
}

echo "== layering: includes follow cmake/layers.txt"
bash scripts/check-layering.sh || exit 1

echo "== release build: all tests"
bash scripts/build.sh build || exit 1
run_ctest build 'unit|integration|interop'

echo "== browser tests: the web UI in headless chromium (screenshots in build/browser-screenshots)"
run_ctest build browser

echo "== ASan+UBSan build: unit and integration tests"
bash scripts/build.sh build-asan -DSHOAL_SANITIZE=ON || exit 1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build-asan 'unit|integration'

echo "== libFuzzer targets (clang), ${SHOAL_FUZZ_SECONDS:-20} s each"
CXX=clang++ bash scripts/build.sh build-fuzz -DSHOAL_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DSHOAL_FUZZ_SECONDS="${SHOAL_FUZZ_SECONDS:-20}" || exit 1
run_ctest build-fuzz fuzz

if [ "$failed" -ne 0 ]; then echo "test suite: FAILED"; exit 1; fi
echo "test suite: all passed"
