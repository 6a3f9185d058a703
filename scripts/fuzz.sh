#!/usr/bin/env bash
# Runs libFuzzer targets of the fuzz build (cmake --preset fuzz; tests/fuzz/README.md), one after
# the other, each for SECONDS on a copy of its seed corpus and regression inputs (the repository's
# corpus is never written), with its dictionary when it has one. Any crash, leak, timeout or sanitizer
# report stops the script with exit code 1 and keeps the input that caused it, named in the output.
# Prints, per target, libFuzzer's executions and executions per second.
#   scripts/fuzz.sh SECONDS TARGET...     e.g. scripts/fuzz.sh 5 wire ingest   (make fuzz-smoke)
#   nice -n 19 scripts/fuzz.sh 480 scenario                                     (a long session)
# FUZZ_BUILD (default build/fuzz) is the build folder; FUZZ_OUT (default a new temporary folder)
# keeps each target's grown corpus and log; FUZZ_RUNS=N stops a target after N executions (or at
# SECONDS, whichever comes first): FUZZ_RUNS=10000000 scripts/fuzz.sh 36000 wire; FUZZ_TIMEOUT (default 10)
# is the seconds one input may take before libFuzzer reports a timeout (raise it for a long run at
# `nice -n 19` beside builds, whose starvation can stall one input for seconds); FUZZ_RESUME=1 goes on
# from the corpus a session before grew in FUZZ_OUT/TARGET (set FUZZ_OUT to the same folder)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: scripts/fuzz.sh SECONDS TARGET..." >&2; exit 2; }
seconds=$1
shift
build=${FUZZ_BUILD:-build/fuzz}
out=${FUZZ_OUT:-$(mktemp -d -t shailoo-fuzz.XXXXXX)}
for t in "$@"; do
  exe="$build/tests/fuzz/fuzz_$t"
  [ -x "$exe" ] || { echo "fuzz: $exe is missing (cmake --preset fuzz && cmake --build --preset fuzz)" >&2; exit 2; }
  work="$out/$t"
  # FUZZ_RESUME=1 keeps the corpus an earlier session grew in FUZZ_OUT/TARGET (a campaign in several
  # sessions); the log of each session is kept beside it as log.N.
  if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -d "$work/corpus" ]; then
    n=1; while [ -f "$work/log.$n" ]; do n=$((n + 1)); done
    if [ -f "$work/log" ]; then mv "$work/log" "$work/log.$n"; fi
  else
    rm -rf "$work"
  fi
  mkdir -p "$work/corpus"
  cp -r tests/fuzz/corpus/"$t"/. "$work/corpus/"
  if [ -d tests/fuzz/regressions/"$t" ]; then cp -r tests/fuzz/regressions/"$t"/. "$work/corpus/"; fi
  dict=()
  if [ -f tests/fuzz/dict/"$t".dict ]; then dict=(-dict=tests/fuzz/dict/"$t".dict); fi
  start=$(date -u +%FT%TZ)
  runs_limit=()
  if [ -n "${FUZZ_RUNS:-}" ]; then runs_limit=(-runs="$FUZZ_RUNS"); fi
  if ! "$exe" "$work/corpus" "${dict[@]}" "${runs_limit[@]}" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 \
       -artifact_prefix="$work/" > "$work/log" 2>&1; then
    tail -n 40 "$work/log" >&2
    echo "fuzz: $t FAILED (started $start); the input is in $work/, the log in $work/log" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/log")
  echo "fuzz: $t: $runs executions in ${took:-$seconds} s ($rate/s) from $start, no crash, leak or sanitizer report"
done
