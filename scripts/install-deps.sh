#!/usr/bin/env bash
# Installs the Debian packages Shailoo Sim needs, and only those missing: a second run is instant.
set -euo pipefail
packages=(
  cmake g++ make pkg-config
  clang-16 libclang-rt-16-dev universal-ctags
  libyaml-cpp-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsodium-dev libssl-dev libsqlite3-dev sqlite3 libgoogle-perftools-dev libxml2-dev libxml2-utils
  libpq-dev postgresql-15
  libboost-dev libboost-system-dev libprotobuf-dev protobuf-compiler
  libsfml-dev libimgui-dev libstb-dev
  libfprint-2-dev libglib2.0-dev umockdev
  python3 python3-simpy python3-prometheus-client
  xvfb xauth libgl1-mesa-dri
  chromium
  slurm-wlm munge
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
