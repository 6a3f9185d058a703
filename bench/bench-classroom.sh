#!/usr/bin/env bash
# Trainee action latency (docs/classroom.md): the console with its classroom under Xvfb on the help
# desk drill, 30 simulated trainees (bench_classroom) acting at once; prints the tool's JSON and the
# console's own trainer-summary (its answer_ms figures: arrival at the server to the answer).
# Usage: bench/bench-classroom.sh [BUILD_DIR] [TRAINEES] [ACTIONS]
set -euo pipefail
build=${1:-build/release}
trainees=${2:-30}
actions=${3:-20}
cd "$(dirname "$0")/.."
cmake --build "$build" --target shailoo bench_classroom >/dev/null
port=$((20000 + RANDOM % 20000))
log=$(mktemp)
setsid xvfb-run -a -s "-screen 0 1280x800x24" "$build/apps/shailoo" train scenarios/help-desk-drill.yaml \
  --classroom "127.0.0.1:$port" --start 19:00 --speed 10 --frames 100000 >"$log" 2>&1 &
console=$!
# The console runs in a process group of its own (setsid): the whole group goes at the end, Xvfb too.
trap 'kill -- -$console 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "classroom open" "$log" && break; sleep 0.1; done
grep -q "classroom open" "$log" || { cat "$log"; exit 1; }
"$build/bench/bench_classroom" "$port" "$trainees" "$actions"
