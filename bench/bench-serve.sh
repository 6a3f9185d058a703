#!/usr/bin/env bash
# bench-serve.sh: end-to-end figures of the TLS ingest (docs/serve.md, docs/load.md).
# Starts `shailoo serve` on a fresh store (WAL, synchronous=FULL) in a temporary folder on disk,
# runs `shailoo load` scenarios against it over loopback, and prints the figures:
#   1. the national night at once: 2,496 final reports (832 PECs x 2 boxes + identification; the
#      issue's "2,494 final reports"), each on a fresh TLS 1.3 connection, signature check and
#      durable group commit - time to all acked, 5 runs and their median; then the whole fleet;
#   2. the 2021 reporting curve (scenarios/rate-2021.yaml, 180 minutes) replayed 600x and 3600x
#      compressed (18 s and 3 s): ack latency percentiles from the planned send times. At x1 the
#      curve's peak is ~3 reports/s (25 % of 7,423 in the first 10 minutes), so 10x the national
#      fleet is ~31 reports/s; x600 peaks near 1,860 reports/s, 60 times harsher than that;
#   2b. 10x the national fleet at its peak rate (scenarios/rate-10x-peak.yaml): p99 ack latency;
#   3. bench_ingest: the store alone, group commit vs one transaction per report, in one run.
# Usage: bench/bench-serve.sh [BUILD_DIR]   (default build/release; run from the repository root)
set -euo pipefail
build=${1:-build/release}
shailoo="$build/apps/shailoo"
dir=$(mktemp -d "${TMPDIR:-/var/tmp}/shailoo-bench-serve.XXXXXX")
port=$((20000 + RANDOM % 20000))
serve_pid=""
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

start_server() {
  rm -f "$dir"/store.sqlite*
  "$shailoo" serve --db "$dir/store.sqlite" --listen "127.0.0.1:$port" --stats-every 0 >"$dir/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 50); do grep -q "TLS ingest on" "$dir/serve.log" && return; sleep 0.1; done
  echo "server did not start:"; cat "$dir/serve.log"; exit 1
}
stop_server() { kill -INT "$serve_pid"; wait "$serve_pid" || true; serve_pid=""; tail -2 "$dir/serve.log"; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); store in $dir"
# Each run on a fresh store, so every report is stored (a duplicate skips the commit).
runs=()
for i in 1 2 3 4 5; do
  echo "== 1. national night: 2,496 final reports (832 PECs x 3) at once, --connections 64, run $i of 5 (fresh store)"
  start_server
  "$shailoo" load --target "127.0.0.1:$port" --pecs 832 --connections 64 --out "$dir/national-$i" | tail -n +2
  stop_server
  runs+=("$(grep -o '"time_to_all_s": *[-0-9.e]*' "$dir/national-$i/load.json" | grep -o '[-0-9.e]*$')")
done
printf '%s\n' "${runs[@]}" | sort -g | awk '{a[NR]=$1} END {printf "national_night_time_to_all_s: median %.3f (min %.3f, max %.3f, %d runs)\n", a[int((NR+1)/2)], a[1], a[NR], NR}'
echo "== 1b. the whole fleet, every PEC's reports at once, --connections 64 (fresh store)"
start_server
"$shailoo" load --target "127.0.0.1:$port" --connections 64 --out "$dir/fleet" | tail -n +2
stop_server
for speed in 600 3600; do
  echo "== 2. 2021 curve (scenarios/rate-2021.yaml) at x$speed (fresh store)"
  start_server
  "$shailoo" load --target "127.0.0.1:$port" --rate-profile scenarios/rate-2021.yaml --speed "$speed" --out "$dir/curve-$speed" | tail -n +2
  stop_server
done
echo "== 2b. 10x the national fleet's peak rate: 31 reports/s for 78 s (scenarios/rate-10x-peak.yaml, --pecs 800)"
start_server
"$shailoo" load --target "127.0.0.1:$port" --pecs 800 --rate-profile scenarios/rate-10x-peak.yaml --out "$dir/ten-x" | tail -n +2
stop_server
echo "== 3. store alone (bench_ingest, same disk)"
"$build/bench/bench_ingest" "$dir" 8000 1000
