#!/usr/bin/env bash
# Checks the include directions between components: every #include "X/..." in a file under folder F
# must name F itself or a folder the table allows for F (scripts/include-directions.txt).
# A top-level folder with C++ sources that the table does not list is an error too (a new component
# must say where it stands). Prints one line per violation (FILE:LINE: F may not include X) and exits 1,
# or exits 0 when the tree is clean.
# Usage: scripts/check-includes.sh [ROOT [TABLE]]   (defaults: the repository, ROOT/scripts/include-directions.txt)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
table=${2:-$root/scripts/include-directions.txt}
[ -d "$root" ] || { echo "check-includes: $root: no such folder" >&2; exit 2; }
[ -f "$table" ] || { echo "check-includes: $table: no such file" >&2; exit 2; }

declare -A allowed
while IFS= read -r line; do
  line=${line%%#*}
  [[ $line =~ ^[[:space:]]*$ ]] && continue
  if [[ ! $line =~ ^[[:space:]]*([A-Za-z0-9_]+):(.*)$ ]]; then
    echo "check-includes: $table: cannot read '$line' (expected 'folder: folder...')" >&2
    exit 2
  fi
  allowed[${BASH_REMATCH[1]}]=" ${BASH_REMATCH[2]} "
done < "$table"

status=0
shopt -s nullglob
for dir in "$root"/*/; do
  folder=$(basename "$dir")
  [[ $folder == build || $folder == build-* || $folder == out || $folder == .* ]] && continue
  mapfile -t files < <(find "$dir" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' -o -name '*.hpp.in' \) | sort)
  [ ${#files[@]} -eq 0 ] && continue
  if [[ -z ${allowed[$folder]+set} ]]; then
    echo "$folder/: C++ sources in a folder $table does not list"
    status=1
    continue
  fi
  ok=${allowed[$folder]}
  [[ $ok == *" * "* ]] && continue
  for file in "${files[@]}"; do
    while IFS=: read -r lineno text; do
      [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([A-Za-z0-9_]+)/ ]] || continue
      target=${BASH_REMATCH[1]}
      [[ $target == "$folder" ]] && continue
      [[ -z ${allowed[$target]+set} ]] && continue  # not a component (e.g. a generated folder)
      if [[ $ok != *" $target "* ]]; then
        echo "${file#"$root"/}:$lineno: $folder may not include $target/"
        status=1
      fi
    done < <(grep -n '#[[:space:]]*include[[:space:]]*"' "$file" || true)
  done
done
[ $status -eq 0 ] && echo "check-includes: every include follows $(basename "$table")"
exit $status
