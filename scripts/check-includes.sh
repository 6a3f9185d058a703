#!/usr/bin/env bash
# Fails when a file includes a component its folder may not: the directions of
# docs/architecture.md ("Layout"), as one table. Run by `make test` (ctest: Layout.*).
# Usage: scripts/check-includes.sh [ROOT]   (default: this repository)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
# Component -> the components its files may include (itself included).
declare -A allowed=(
  [core]="core"
  [devices]="devices core"
  [station]="station devices core"
  [central]="central core"
  [sim]="sim central station devices core"
  [hil]="hil devices core"
  [trainer]="trainer sim central station devices core"
  [apps]="apps trainer sim central station devices core"
)
components=" ${!allowed[*]} "
bad=0
for from in "${!allowed[@]}"; do
  [ -d "$root/$from" ] || continue
  # "FILE LINE COMPONENT" for every include of the form "x/..." or <x/...>: one sed for all of them.
  while read -r file line to; do
    [[ $components == *" $to "* ]] || continue  # a library (boost/, fmt/, ...), not a component
    if [[ " ${allowed[$from]} " != *" $to "* ]]; then
      echo "$file:$line: $from/ may not include $to/ (allowed: ${allowed[$from]}; docs/architecture.md)"
      bad=1
    fi
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<][a-z_]+/' "$root/$from" \
             --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.in' |
           sed -E 's/^([^:]+):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([a-z_]+)\/.*/\1 \2 \3/' || true)
done
[ "$bad" = 0 ] && echo "check-includes: every include of $root goes in an allowed direction"
exit "$bad"
