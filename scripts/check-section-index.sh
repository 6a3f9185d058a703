#!/usr/bin/env bash
# Checks the section indexes of the C++ sources (docs/architecture.md, house rules): a file over
# 300 lines opens with an index of its sections (Dear ImGui's habit),
#   // Index of this file:
#   //   [SECTION] Reading the YAML fields
#   //   [SECTION] Faults
# (the entries indented: the lines right after `Index of this file:` with two or more spaces before
# `[SECTION]`), and each section starts with a `// [SECTION] Faults` line of the same name, once, in
# the index's order. Any file with an index or a [SECTION] line is checked the same way, whatever its
# length; `//` and `///` comments both count.
# Files in the pending list (one path per line, relative to ROOT; `#` starts a comment) are skipped;
# a listed file that is gone, not over 300 lines or has its index is an error, so the list holds only
# what is owed. tests/section_index/ (the fixtures of this check) is skipped.
# Prints one line per problem (FILE[:LINE]: what is wrong) and exits 1, or exits 0 when every file
# is in order.
# Usage: scripts/check-section-index.sh [ROOT [PENDING]]
#   (defaults: the repository, ROOT/scripts/section-index-pending.txt if it exists)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
pending=${2:-$root/scripts/section-index-pending.txt}
[ -d "$root" ] || { echo "check-section-index: $root: no such folder" >&2; exit 2; }
if [ $# -ge 2 ] && [ ! -f "$pending" ]; then
  echo "check-section-index: $pending: no such file" >&2
  exit 2
fi
readonly max_lines=300

declare -A skip
if [ -f "$pending" ]; then
  while IFS= read -r line; do
    line=${line%%#*}
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [ -n "$line" ] && skip[$line]=1
  done < "$pending"
fi

# Prints the problems of the files given (paths relative to the current folder), one a line.
check_files() {
  awk -v max="$max_lines" '
    function section_name(text) {
      sub(/^[ \t]*\/\/+[ \t]*\[SECTION\][ \t]*/, "", text)
      sub(/[ \t]+$/, "", text)
      return text
    }
    function start(file) {
      name = file; lines = 0; index_at = 0; in_index = 0; entries = 0; markers = 0
      split("", entry); split("", entry_line); split("", marker); split("", marker_line)
      split("", position); split("", marked)
    }
    function finish(   e, m, s, last) {
      if (name == "") return
      if (!index_at) {
        if (lines > max) printf "%s: %d lines and no '\''Index of this file:'\''\n", name, lines
        for (m = 1; m <= markers; ++m)
          printf "%s:%d: [SECTION] %s: the file has no '\''Index of this file:'\''\n", name, marker_line[m], marker[m]
        return
      }
      if (!entries) printf "%s:%d: '\''Index of this file:'\'' lists no [SECTION]\n", name, index_at
      for (e = 1; e <= entries; ++e) {
        if (entry[e] in position) printf "%s:%d: [SECTION] %s: twice in the index\n", name, entry_line[e], entry[e]
        else position[entry[e]] = e
      }
      last = 0
      for (m = 1; m <= markers; ++m) {
        s = marker[m]
        if (marker_line[m] < index_at) {
          printf "%s:%d: [SECTION] %s: comes before the index\n", name, marker_line[m], s
        } else if (!(s in position)) {
          printf "%s:%d: [SECTION] %s: not in the index\n", name, marker_line[m], s
        } else if (s in marked) {
          printf "%s:%d: [SECTION] %s: starts a second time (first at line %d)\n", name, marker_line[m], s, marked[s]
        } else {
          marked[s] = marker_line[m]
          if (position[s] < last) printf "%s:%d: [SECTION] %s: not in the index'\''s order\n", name, marker_line[m], s
          last = position[s]
        }
      }
      for (e = 1; e <= entries; ++e)
        if (!(entry[e] in marked) && position[entry[e]] == e)
          printf "%s:%d: [SECTION] %s: in the index, but no section starts with it\n", name, entry_line[e], entry[e]
    }
    FNR == 1 { finish(); start(FILENAME) }
    { lines = FNR }
    /^[ \t]*\/\/+[ \t]*Index of this file:[ \t]*$/ && !index_at {
      index_at = FNR; in_index = 1; next
    }
    in_index && /^[ \t]*\/\/+[ \t][ \t]+\[SECTION\]/ {
      entry[++entries] = section_name($0); entry_line[entries] = FNR; next
    }
    { in_index = 0 }
    /^[ \t]*\/\/+[ \t]*\[SECTION\]/ {
      marker[++markers] = section_name($0); marker_line[markers] = FNR
    }
    END { finish() }' "$@"
}

cd "$root"
status=0
files=()
shopt -s nullglob
for dir in */; do
  folder=${dir%/}
  [[ $folder == build || $folder == build-* || $folder == out ]] && continue
  while IFS= read -r rel; do
    [[ $rel == tests/section_index/* ]] && continue
    if [[ -n ${skip[$rel]+set} ]]; then
      if grep -qE '^[[:space:]]*//+[[:space:]]*Index of this file:' "$rel"; then
        echo "$rel: has its index; remove it from $(basename "$pending")"
        status=1
      elif [ "$(wc -l < "$rel")" -le $max_lines ]; then
        echo "$rel: not over $max_lines lines; remove it from $(basename "$pending")"
        status=1
      fi
      unset "skip[$rel]"
      continue
    fi
    files+=("$rel")
  done < <(find "$folder" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) | sort)
done
for rel in "${!skip[@]}"; do
  echo "$rel: no such file; remove it from $(basename "$pending")"
  status=1
done
if [ ${#files[@]} -gt 0 ]; then
  problems=$(check_files "${files[@]}")
  if [ -n "$problems" ]; then
    echo "$problems"
    status=1
  fi
fi
[ $status -eq 0 ] && echo "check-section-index: ${#files[@]} files checked; every file over $max_lines lines opens with an index that matches its sections"
exit $status
