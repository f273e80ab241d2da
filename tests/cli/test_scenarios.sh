#!/usr/bin/env bash
# Every scenario in scenarios/ under `walsim check`: each [expect] line is a
# claim of the tuning guide judged by the model (docs/guide-claims.md), so a
# change in the model that flips a verdict fails the build.  Also checks
# that each scenario is commented like a worked example (it names what it
# tests).
#
# Short mode, for the ASan/UBSan build (CMakeLists.txt sets it there): with
# WALSIM_SCENARIOS_DURATION=TIME every check runs with --set duration=TIME
# (and max_duration, for duration = auto), so that the whole library runs
# under the sanitizers in minutes.  The verdicts then judge a run other than
# the one the guide's claims are about, so they are not judged (the claims
# are judged by the full-length run of the normal build): the test fails on
# a sanitizer report, on exit codes other than 0 (all hold) and 1 (some
# failed or were not exercised), and on the checks above.
# Usage: test_scenarios.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
short=${WALSIM_SCENARIOS_DURATION:-}
set_args=()
if [ -n "$short" ]; then
  set_args=(--set "duration=$short" --set "max_duration=$short" --set warmup=0)
  echo "short mode: every scenario runs for $short (WALSIM_SCENARIOS_DURATION);" \
       "memory safety is checked, the [expect] verdicts are SKIPPED (judged by the full-length run)"
fi
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
  start=$SECONDS
  out=$("$walsim" check "$f" "${set_args[@]}" 2>&1)
  rc=$?
  secs=$((SECONDS - start))
  if echo "$out" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer'; then
    echo "FAIL: walsim check $name: sanitizer report (exit $rc):"
    echo "$out" | grep -E -A30 'ERROR: |runtime error:' | head -40
    fails=$((fails + 1))
  elif [ -n "$short" ]; then
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
      echo "FAIL: walsim check $name --set duration=$short exited $rc:"; echo "$out" | head -20
      fails=$((fails + 1))
    else
      echo "ok: $name: ran for $short in ${secs}s, exit $rc; verdicts SKIPPED in short mode:" \
           "$(echo "$out" | tail -1)"
    fi
  elif [ $rc -ne 0 ]; then
    echo "FAIL: walsim check $name exited $rc:"; echo "$out" | grep -v '^PASS\|^      ' | head -20
    echo "$out" | grep -A1 '^FAIL' | head -20
    fails=$((fails + 1))
  else
    echo "ok: $name (${secs}s): $(echo "$out" | tail -1)"
  fi
done
[ $n -ge 6 ] || { echo "FAIL: only $n scenarios"; fails=$((fails + 1)); }
echo "$n scenarios, $fails failed${short:+ (short mode: verdicts skipped)}"
[ $fails -eq 0 ]
