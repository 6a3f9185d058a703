#!/usr/bin/env bash
# Installs the Debian packages Shailoo Sim needs, and only those missing: a second run is instant.
set -euo pipefail
packages=(
  cmake g++ make pkg-config
  clang-16 libclang-rt-16-dev universal-ctags
  libyaml-cpp-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsodium-dev libssl-dev libsqlite3-dev sqlite3 libgoogle-perftools-dev libxml2-dev libxml2-utils
  libpq-dev postgresql-15 libzip-dev libusbguard-dev
  libboost-dev libboost-system-dev libprotobuf-dev protobuf-compiler
  libsfml-dev libimgui-dev libstb-dev
  libfprint-2-dev libglib2.0-dev umockdev libfftw3-dev
  libcairo2-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libsane-dev sane-utils fonts-dejavu-core
  iproute2 nftables
  python3 python3-simpy python3-prometheus-client
  xvfb xauth libgl1-mesa-dri
  chromium
  slurm-wlm munge
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with a nodejs of its own (NodeSource's bundles it and conflicts with Debian's npm).
command -v npm > /dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Test-only tools from npm, pinned by tests/e2e/npm/package-lock.json (integrity-checked by npm ci; no
# install scripts run): the SCORM 1.2 run-time and schema files the e-learning tests check against.
npm_dir="$(dirname "$0")/../tests/e2e/npm"
if [ ! -f "$npm_dir/node_modules/.package-lock.json" ]; then
  echo "install-deps: installing the e-learning tests' npm packages in tests/e2e/npm"
  (cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
