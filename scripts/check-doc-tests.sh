#!/usr/bin/env bash
# Every test a document cites as evidence (`Suite.Name` or `Suite.*` in backquotes) must exist in
# tests/: a threat model that names a test nobody runs claims a control nobody checks.
# Usage: scripts/check-doc-tests.sh DOC.md [ROOT]
set -euo pipefail
doc=$1
root=${2:-$(cd "$(dirname "$0")/.." && pwd)}
[ -f "$doc" ] || { echo "check-doc-tests: $doc: no such file" >&2; exit 2; }
bad=0
count=0
while read -r cited; do
  suite=${cited%%.*}
  name=${cited#*.}
  count=$((count + 1))
  if [ "$name" = "*" ]; then
    pattern="TEST(_F)?\\(${suite},"
  else
    pattern="TEST(_F)?\\(${suite}, ${name}\\)"
  fi
  if ! grep -rqE "$pattern" "$root/tests" --include='*.cpp'; then
    echo "$doc: cites $cited, which no test in tests/ defines"
    bad=1
  fi
done < <(grep -oE '`[A-Z][A-Za-z0-9]*\.([A-Z][A-Za-z0-9]*|\*)`' "$doc" | tr -d '`' | sort -u)
[ "$count" -gt 0 ] || { echo "$doc: cites no test"; exit 1; }
[ "$bad" = 0 ] && echo "check-doc-tests: the $count tests $doc cites exist"
exit "$bad"
