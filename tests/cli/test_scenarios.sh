#!/usr/bin/env bash
# Every scenario in scenarios/ under `walsim check`: each [expect] line is a
# claim of the tuning guide judged by the model (docs/guide-claims.md), so a
# change in the model that flips a verdict fails the build.  Also checks
# that each scenario is commented like a worked example (it names what it
# tests) and that its run is deterministic (two checks print the same).
# Usage: test_scenarios.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
fails=0
n=0
for f in "$src"/scenarios/*.conf; do
  n=$((n + 1))
  name=$(basename "$f")
  if ! grep -q '^\[expect ' "$f"; then
    echo "FAIL: $name has no [expect] section"; fails=$((fails + 1)); continue
  fi
  if [ "$(grep -c '^#' "$f")" -lt 10 ]; then
    echo "FAIL: $name is not commented as a worked example"; fails=$((fails + 1))
  fi
  out=$("$walsim" check "$f" 2>&1)
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL: walsim check $name exited $rc:"; echo "$out" | grep -v '^PASS\|^      ' | head -20
    echo "$out" | grep -A1 '^FAIL' | head -20
    fails=$((fails + 1))
  else
    echo "ok: $name: $(echo "$out" | tail -1)"
  fi
done
[ $n -ge 6 ] || { echo "FAIL: only $n scenarios"; fails=$((fails + 1)); }
echo "$n scenarios, $fails failed"
[ $fails -eq 0 ]
