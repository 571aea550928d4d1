#!/usr/bin/env bash
# Installs every Debian 12 package Shoal needs to build, test and benchmark.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcli11-dev libspdlog-dev libssl-dev libgtest-dev libhiredis-dev
  clang libclang-rt-14-dev
  python3 python3-libtorrent aria2 mktorrent opentracker transmission-cli transmission-daemon wrk hyperfine openssl
  iproute2 nftables procps redis-server
  chromium nodejs
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's nodejs comes without npm (a separate package); NodeSource's nodejs brings its own and conflicts with it.
if ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends npm
fi
# The browser tests' npm packages (playwright-core, pinned by tests/browser/package-lock.json; it drives Debian's
# chromium and never downloads a browser of its own). npm ci again only when the lockfile changed.
browser_tests="$(dirname "$0")/../tests/browser"
if ! cmp -s "$browser_tests/package-lock.json" "$browser_tests/node_modules/.package-lock-installed.json"; then
  (cd "$browser_tests" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error &&
     cp package-lock.json node_modules/.package-lock-installed.json)
fi
