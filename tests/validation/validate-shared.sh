#!/usr/bin/env bash
# Validates walsim against every run of shared/validation/pg15-pgbench with
# the one scenario tests/validation/pg15-pgbench-A.conf, changing only what
# differs between the runs: PostgreSQL settings, and for C2 and E, which ran
# in a period when the VM was about 35 % slower, the CPU per transaction
# measured in that period.  Prints each run's table; the JSON and CSV go to
# OUT/RUN/.  Not a ctest (it needs ../shared); docs/validation.md has its
# results.  Usage: validate-shared.sh WALSIM SHARED_DIR [OUT]
set -u
walsim=$1
shared=$2/validation/pg15-pgbench
out=${3:-out/validation}
conf=$(dirname "$0")/pg15-pgbench-A.conf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for run in A A_repeat C2 E; do
  r=$shared/$run
  case $run in
    C2) sets=(--set wal_compression=lz4 --set pgbench_cpu=1310us) ;;
    E) sets=(--set shared_buffers=2GB --set pgbench_cpu=1310us) ;;
    *) sets=() ;;
  esac
  xz -dkc "$r/txlog_all.txt.xz" > "$tmp/txlog.txt" || exit 1
  echo "== $run ${sets[*]}"
  "$walsim" validate "$conf" "${sets[@]}" --pg-log "$r/server.log" --pgbench-log "$tmp/txlog.txt" \
    --stats "$r/bgwriter_before.csv" "$r/wal_before.csv" "$r/bgwriter_after.csv" "$r/wal_after.csv" \
    --waldump-stats "$r/waldump_stats.txt" --out "$out/$run"
done
