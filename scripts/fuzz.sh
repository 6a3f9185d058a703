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
# from the corpus a session before grew in FUZZ_OUT/TARGET (set FUZZ_OUT to the same folder);
# FUZZ_FORK=N runs libFuzzer's fork mode with N jobs (-fork=N): the target fuzzes in child processes
# of bounded life (1 s, 2 s, ... up to 300 s), whose new inputs join the corpus, and a crash, leak,
# timeout or out-of-memory in any child still stops the run. A long run needs it: one process slows
# down as its allocator state grows (drill_script: from 3,600/s in its first minute to 400/s after
# ten; docs/reliability.md), a fresh child does not. Executions are then the parent's total.
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
  fork=()
  if [ -n "${FUZZ_FORK:-}" ]; then fork=(-fork="$FUZZ_FORK" -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0); fi
  if ! "$exe" "$work/corpus" "${dict[@]}" "${runs_limit[@]}" "${fork[@]}" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 \
       -artifact_prefix="$work/" > "$work/log" 2>&1; then
    tail -n 40 "$work/log" >&2
    echo "fuzz: $t FAILED (started $start); the input is in $work/, the log in $work/log" >&2
    exit 1
  fi
  if [ ${#fork[@]} -gt 0 ]; then
    # The parent's last status line has the jobs' total ("#N: cov: ..."), its exit line the time.
    runs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$work/log" | tail -n 1)
    took=$(sed -n 's/^INFO: exiting: [0-9]* time: \([0-9]*\)s$/\1/p' "$work/log")
    rate=$((${runs:-0} / (${took:-1} > 0 ? ${took:-1} : 1)))
  else
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/log")
  fi
  echo "fuzz: $t: $runs executions in ${took:-$seconds} s ($rate/s) from $start, no crash, leak or sanitizer report"
done
