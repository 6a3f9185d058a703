#!/usr/bin/env bash
# Checks that functions read as a list of steps (docs/architecture.md, house rules): no function in
# a component folder (every top-level folder with C++ sources but tests/ and bench/) is over 80
# lines, unless the comment block directly above it says why, in a line containing `Long:`
# (e.g. "// Long: one AVX-512 kernel; splitting it would spill the registers it keeps live."), or
# the allow list names it. Function extents come from universal-ctags (scripts/install-deps.sh).
# Prints one line per violation (FILE:LINE name length) and exits 1, or exits 0 when every function
# passes. Allowed functions that are no longer long are noted, so the list can shrink.
# Usage: scripts/check-function-length.sh [ROOT [ALLOWED]]
#   (defaults: the repository, ROOT/scripts/long-functions-allowed.txt; the allow list may be absent)
# Allow list: one `FILE NAME` a line (FILE relative to ROOT, NAME as ctags names it), `#` comments.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
allowed_file=${2:-$root/scripts/long-functions-allowed.txt}
limit=80
[ -d "$root" ] || { echo "check-function-length: $root: no such folder" >&2; exit 2; }
if ! ctags --version 2>/dev/null | grep -q "Universal Ctags"; then
  echo "check-function-length: needs universal-ctags (scripts/install-deps.sh installs it)" >&2
  exit 2
fi

declare -A allowed
if [ -f "$allowed_file" ]; then
  while IFS= read -r line; do
    line=${line%%#*}
    [[ $line =~ ^[[:space:]]*$ ]] && continue
    if [[ ! $line =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]+([^[:space:]]+)[[:space:]]*$ ]]; then
      echo "check-function-length: $allowed_file: cannot read '$line' (expected 'FILE NAME')" >&2
      exit 2
    fi
    allowed["${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"]=1
  done < "$allowed_file"
fi

cd "$root"
folders=()
shopt -s nullglob
for dir in */; do
  folder=${dir%/}
  [[ $folder == tests || $folder == bench || $folder == build || $folder == build-* || $folder == out ]] && continue
  [ -n "$(find "$folder" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) -print -quit)" ] &&
    folders+=("$folder")
done
[ ${#folders[@]} -eq 0 ] && { echo "check-function-length: no component folder with C++ sources under $root" >&2; exit 2; }

# Whether the comment block directly above line $2 of file $1 contains "Long:". Going up from the
# line before the function's name, attribute, template and preprocessor lines are stepped over (they
# belong to the declaration); the block ends at the first line that is neither those nor a comment.
says_why() {
  awk -v start="$2" '
    { text[NR] = $0 }
    END {
      for (i = start - 1; i >= 1; --i) {
        line = text[i]
        sub(/^[ \t]+/, "", line)
        if (line ~ /^(\/\/|\/\*|\*)/) { if (line ~ /Long:/) found = 1; continue }
        if (line ~ /^(\[\[|template[ \t]*<|#)/) continue
        break
      }
      exit found ? 0 : 1
    }' "$1"
}

status=0
while IFS=$'\t' read -r length file line name; do
  key="$file $name"
  if [[ -n ${allowed[$key]+set} ]]; then
    allowed[$key]=seen
    continue
  fi
  says_why "$file" "$line" && continue
  echo "$file:$line $name $length"
  status=1
done < <(ctags --fields=+ne --c++-kinds=f --languages=C++ -o - -R "${folders[@]}" |
         awk -F'\t' -v limit="$limit" '{
           n = ""; e = ""
           for (i = 4; i <= NF; i++) {
             if ($i ~ /^line:/) n = substr($i, 6)
             if ($i ~ /^end:/) e = substr($i, 5)
           }
           if (n != "" && e != "" && e - n + 1 > limit) print (e - n + 1) "\t" $2 "\t" n "\t" $1
         }' | sort -t$'\t' -k2,2 -k3,3n)

for key in "${!allowed[@]}"; do
  [[ ${allowed[$key]} == seen ]] || echo "check-function-length: note: $key is no longer over $limit lines; take it off $(basename "$allowed_file")"
done
if [ $status -eq 0 ]; then
  echo "check-function-length: every function is at most $limit lines or says why (Long:)"
else
  echo "check-function-length: the functions above are over $limit lines: split them into named steps, or write the reason in a comment starting with 'Long:' directly above each"
fi
exit $status
