#!/bin/bash
# The #19 check: the suite stays green under load. Beside two CPU burners, five fresh clones of one
# commit each run the README's test command (`.ci/run`, with ../shared linked beside the clone),
# one after another; beside them, in a clone of its own, `daas workshop run --all --workers 2 --force`
# runs five times in a row under the same load (and the test runs' load). Every result goes to
# OUT/summary.txt.
#   tools/loaded_test_runs.sh [COMMIT (default HEAD)] [OUT (default /tmp/loaded-runs)]
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse "${1:-HEAD}")
out=${2:-/tmp/loaded-runs}
shared=$(cd "$repo/.." && pwd)/shared
mkdir -p "$out"
python3 -c 'while True: pass' & b1=$!
python3 -c 'while True: pass' & b2=$!
trap 'kill $b1 $b2 2>/dev/null' EXIT
echo "commit $commit, two CPU burners, start $(date -u +%FT%TZ)" >> "$out/summary.txt"
workshops() {
  local w=$out/workshop; rm -rf "$w"; mkdir -p "$w"
  git clone -q "$repo" "$w/kit" && git -C "$w/kit" checkout -q "$commit" && ln -s "$shared" "$w/shared"
  (cd "$w/kit" && make setup > "$w/setup.txt" 2>&1) || { echo "workshop setup failed" >> "$out/summary.txt"; return; }
  for i in 1 2 3 4 5; do
    start=$(date +%s)
    (cd "$w/kit" && .venv/bin/daas workshop run --all --workers 2 --force > "$out/workshop$i.txt" 2>&1); rc=$?
    echo "workshop run $i: exit $rc, $(( $(date +%s) - start )) s; $(tail -1 "$out/workshop$i.txt")" \
      >> "$out/summary.txt"
  done
}
workshops & wpid=$!
for i in 1 2 3 4 5; do
  d=$out/run$i; rm -rf "$d"; mkdir -p "$d"
  git clone -q "$repo" "$d/kit" && git -C "$d/kit" checkout -q "$commit" && ln -s "$shared" "$d/shared"
  start=$(date +%s)
  (cd "$d/kit" && CI=true bash .ci/run > "$d/log.txt" 2>&1); rc=$?
  summary=$(grep -E '^=+ .*(passed|failed).* =+$|^make test:' "$d/log.txt" | tr '\n' ' ')
  echo "make test run $i: exit $rc, $(( $(date +%s) - start )) s; $summary" >> "$out/summary.txt"
  [ "$i" -lt 5 ] && rm -rf "$d/kit/_build"
done
wait $wpid
echo "end $(date -u +%FT%TZ)" >> "$out/summary.txt"
