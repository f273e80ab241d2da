#!/usr/bin/env bash
# bench_charts.sh - the cost of a long simulation: a 7-day run against a
# 1-hour run of the same model (scenarios/week.conf's `default` variant at
# a constant 5,000 tps: `phases = 0=1`, `rate = 5000/s`), each with its
# charts; then the charts of each folder drawn again by `walsim plot`.
# Prints the wall time, CPU time (user + system) and peak memory (max
# RSS) of each step and the week/hour memory ratio.  A benchmark, not a
# test: nothing is judged (the goals, docs/charts.md: charts under 5 s,
# the week's peak memory within 10 % of the hour's).
#
# Note: the run's CPU time is linear in the simulated time, 11 to 13 s per
# simulated hour at 5,000 tps on the 2-core VM of docs/charts.md, so the
# 7-day run alone takes 31 to 36 min of CPU.  Measured there on
# 2026-12-06: the week peaked at 46.0 MiB, the hour at 45.9 (1.00 x).
# Pass DAYS = 1 for a quicker look (about 5 min of CPU).
#
# Usage: bench_charts.sh WALSIM SOURCE_DIR [DAYS]   (DAYS: default 7)
# Environment: BENCH_INTERVAL (timeline interval, default the scenario's
# 1min; 1s gives a week of 604,800 rows per variant), BENCH_KEEP=1 keeps
# the output folders (printed).
set -eu
walsim=$1
src=$2
days=${3:-7}
interval=${BENCH_INTERVAL:-1min}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/walsim-bench-charts-XXXXXX")
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT

# wall seconds, max RSS (KiB) and CPU seconds (user + system) of a
# command, from GNU time or python
measure() {
  local label=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" "$@" >/dev/null
  else
    python3 - "$tmp/time" "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic(); subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.2f %d %.2f %.2f\n" % (time.monotonic() - t, r.ru_maxrss,
                                                    r.ru_utime, r.ru_stime))
PY
  fi
  read -r secs kib usr sys <"$tmp/time"
  printf '%-34s %9.2f s wall %9.2f s CPU %9.1f MiB\n' "$label" "$secs" \
    "$(echo "$usr + $sys" | bc -l)" "$(echo "$kib / 1024" | bc -l)"
  eval "${label%% *}_kib=$kib"
}

run_one() {
  local name=$1 dur=$2
  measure "$name run+charts ($dur)" "$walsim" run "$src/scenarios/week.conf" --quiet \
    --variant default --set rate=5000/s --set phases=0=1 --set warmup=10min \
    --set "duration=$dur" --set "interval=$interval" --out "$tmp/$name"
  local rows
  rows=$(($(wc -l <"$tmp/$name/timeline.csv") - 1))
  echo "  $rows timeline rows, timeline.csv $(du -h "$tmp/$name/timeline.csv" | cut -f1)"
  measure "${name}_plot charts only" "$walsim" plot "$tmp/$name"
}

echo "walsim bench_charts: week.conf default variant, 5000 tps, interval $interval"
run_one hour 1h
run_one week "${days}d"
echo "week/hour peak memory (run): $(echo "scale=3; $week_kib / $hour_kib" | bc)"
[ "${BENCH_KEEP:-0}" != 1 ] || echo "kept: $tmp"
