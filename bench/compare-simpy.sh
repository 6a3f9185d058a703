#!/bin/sh
# Runs the M/M/c model on kernel::Engine (bench_mmc) and on SimPy 2.3 (mmc_simpy.py) in one go,
# with the same parameters, and prints each one's rate, then last `ratio: N` (C++ / SimPy).
# Usage: bench/compare-simpy.sh [BUILD_DIR]   (default build/release, relative to the repository)
# Each side reports its best repetition (C++ 15 x ~25 ms, SimPy 3 x ~2 s) to damp noise from other load.
# Model parameters can be changed with MMC_ARGS, e.g. MMC_ARGS="--servers=5 --lambda=0.07".
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build/release}
case $build in /*) ;; *) build=$root/$build ;; esac
exe=$build/bench/bench_mmc
if [ ! -x "$exe" ]; then
    echo "compare-simpy.sh: $exe not found; build it first: cmake --build $build --target bench_mmc" >&2
    exit 1
fi
if ! /usr/bin/python3 -c 'import SimPy.Simulation' 2>/dev/null; then
    echo "compare-simpy.sh: SimPy 2.3 is missing: apt-get install python3-simpy" >&2
    exit 1
fi
args=${MMC_ARGS:-"--lambda=0.025 --mu=0.016666666666666666 --servers=2 --voters=200000 --seed=2021"}

# shellcheck disable=SC2086  # args is a word list on purpose
cpp_out=$("$exe" $args --reps=15)
# shellcheck disable=SC2086
py_out=$(/usr/bin/python3 "$root/bench/mmc_simpy.py" $args --reps=3)
echo "$cpp_out"
echo
echo "$py_out"
echo
cpp=$(echo "$cpp_out" | sed -n 's/^voters_per_s: //p')
py=$(echo "$py_out" | sed -n 's/^voters_per_s: //p')
if [ -z "$cpp" ] || [ -z "$py" ]; then
    echo "compare-simpy.sh: a run did not print voters_per_s" >&2
    exit 1
fi
echo "kernel::Engine voters_per_s: $cpp"
echo "SimPy voters_per_s: $py"
awk -v a="$cpp" -v b="$py" 'BEGIN { printf "ratio: %.1f\n", a / b }'
