#!/usr/bin/env bash
# bench_sampling.sh - what spatial sampling ([scenario] sampling = R,
# src/db/sampling.c) and transaction sampling (tx_sampling = Q) cost and gain: for each scenario and each R, the
# CPU time and peak memory of `walsim run`, and the error of each headline
# figure against the exact run (R = 1): WAL/tx, FPI/tx, buffers per
# checkpoint, checkpoint counts (timed, requested), tps, p50, p99, pg_wal
# peak (tests/bench/sampling_compare.py), every R over the same window
# (the exact run's).  A benchmark, not a test: it judges nothing;
# docs/engine.md, "Sampling", holds its last results.
#
# Usage: bench_sampling.sh WALSIM SOURCE_DIR [SCENARIO...]
#   default scenarios: every scenarios/*.conf but week.conf, the validation
#   scenario tests/validation/pg15-pgbench-A.conf, and tests/bench/big-oltp.conf
#   cut to BIG_DURATION (default 1h).
# Environment: RATES (default "1 0.1 0.01 0.001 auto"; an item R/Q also sets
# transaction sampling, [scenario] tx_sampling = Q, e.g. "1 auto auto/0.01";
# a closed-loop scenario refuses Q < 1), BENCH_KEEP=1 keeps
# the output folders.  A rate a scenario cannot be sampled at is reported
# with walsim's message (e.g. a table too small to sample and too large to
# keep whole).
set -u
walsim=$1
src=$2
shift 2
rates=${RATES:-1 0.1 0.01 0.001 auto}
big=${BIG_DURATION:-1h}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/walsim-bench-sampling-XXXXXX")
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
  scenarios=("$@")
else
  scenarios=()
  for f in "$src"/scenarios/*.conf; do
    [ "$(basename "$f")" = week.conf ] || scenarios+=("$f")
  done
  scenarios+=("$src/tests/validation/pg15-pgbench-A.conf" "$src/tests/bench/big-oltp.conf")
fi

echo "walsim bench_sampling: R in $rates; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
for f in "${scenarios[@]}"; do
  name=$(basename "$f" .conf)
  extra=()
  [ "$name" = big-oltp ] && extra=(--set "duration=$big" --set warmup=10min)
  echo
  echo "== $name"
  # One measurement window for every R: the exact run's (warmup and
  # duration auto would let MSER-5 and the cycle count pick another window
  # for each realisation, and a window that starts elsewhere in the
  # checkpoint cycle moves WAL/tx by itself).
  if "$walsim" run "$f" --quiet --no-report --set sampling=1 "${extra[@]}" --out "$tmp/$name-window" \
       >/dev/null 2>"$tmp/err"; then
    read -r w d < <(python3 -c "
import json; v = json.load(open('$tmp/$name-window/summary.json'))['variants'].values()
print('%.3fs %.3fs' % (max(x['window']['start_s'] for x in v), max(x['window']['end_s'] for x in v)))")
    extra+=(--set "warmup=$w" --set "duration=$d")
    echo "  window: $w to $d (the exact run's, every variant)"
  fi
  dirs=()
  for r in $rates; do
    out="$tmp/$name-${r//\//-q}"
    p=${r%%/*}
    q=1
    [ "$p" != "$r" ] && q=${r#*/}
    if /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$walsim" run "$f" --quiet --no-report \
         --set "sampling=$p" --set "tx_sampling=$q" "${extra[@]}" --out "$out" 2>"$tmp/err" >/dev/null; then
      read -r u s kib <"$tmp/time"
      k=$(python3 -c "import json,sys; v=json.load(open('$out/summary.json'))['variants']; print(' '.join(sorted(set('%g' % x['sampling']['rate'] for x in v.values()))))")
      printf '  R=%-12s (pages at %s)  CPU %8.2f s  peak RSS %8.1f MiB\n' "$r" "$k" \
        "$(echo "$u + $s" | bc)" "$(echo "$kib / 1024" | bc -l)"
      dirs+=("$out")
    else
      printf '  R=%-12s refused: %s\n' "$r" "$(grep -v '^Command exited' "$tmp/err" | head -1)"
    fi
  done
  [ ${#dirs[@]} -gt 1 ] && python3 "$src/tests/bench/sampling_compare.py" "${dirs[@]}" | sed 's/^/  /'
done
