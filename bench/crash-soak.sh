#!/usr/bin/env bash
# The crash soak (issue 17.4, docs/reliability.md "Crash soak"): `shailoo serve` on a fresh SQLite
# store (or, with --postgres, a fresh database of a PostgreSQL cluster it starts), a fleet of stations
# resending until acknowledged, SIGKILL at seeded-random moments during
# the ingest (20-300 ms after the server listens), restart on the same file, a Jepsen-style check of
# the file after every kill; a new store and fleet when every report is acknowledged. Not part of
# `make test` (ctest runs 30 kills of the same code: ServeCrash).
# Usage: bench/crash-soak.sh [BUILD_DIR] [--kills N (1000)] [--seed S (1)] [other bench/crash_soak options:
#        --postgres, --pecs, --clients, --min-delay-ms, --max-delay-ms, --work, --json; see --help]
# Progress on stderr; the figures as JSON, then one line. Exit 1 on any loss, duplicate, half-stored
# row or failed integrity check (the stores are kept for inspection).
set -euo pipefail
build=build/release
if [ $# -gt 0 ] && [[ $1 != --* ]]; then build=$1; shift; fi
exe=$build/bench/crash_soak
[ -x "$exe" ] || { echo "crash-soak: $exe not built (cmake --build --preset release --target crash_soak, or make bench)" >&2; exit 2; }
# The soak restarts serve a thousand times: run copies of the binaries, so a rebuild meanwhile
# cannot change them under it.
bin=$(mktemp -d /tmp/shailoo-crash-soak-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
cp "$exe" "$build/apps/shailoo" "$bin/"
echo "crash-soak: $(date -u +%FT%TZ), $(nproc) cores, $(uname -m), command: $0 $build $*" >&2
"$bin/crash_soak" --serve "$bin/shailoo" "$@"
