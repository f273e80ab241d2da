#!/usr/bin/env bash
# Validates walsim against runs recorded with run-pgbench.sh on a machine of
# the shared dataset's class (scale 100, 8 clients, 300 s; see
# tests/validation/data/pg15-s100/README.md), with the one scenario
# tests/validation/pg15-pgbench-A.conf and only the run's PostgreSQL
# settings changed (--set from its postgresql.auto.txt; settings it does not
# name take PostgreSQL 15's defaults).  Prints each run's table; JSON and CSV
# go to OUT/RUN/.  Usage: validate-recorded.sh WALSIM DATA_DIR [OUT] [RUN...]
set -u
walsim=$1
data=$2
out=${3:-out/validation-recorded}
shift $(( $# >= 3 ? 3 : $# ))
conf=$(dirname "$0")/pg15-pgbench-A.conf
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
  for d in "$data"/*/; do [ -f "$d/postgresql.auto.txt" ] && runs+=("$(basename "$d")"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for run in "${runs[@]}"; do
  r=$data/$run
  # PostgreSQL 15's defaults for what the scenario sets to run A's values
  declare -A set=([shared_buffers]=128MB [checkpoint_timeout]=5min [max_wal_size]=1GB
                  [checkpoint_completion_target]=0.9 [wal_compression]=off)
  while IFS= read -r line; do
    name=${line%% =*}
    val=$(sed -E "s/^[^=]*= *'?([^']*)'?.*/\1/" <<<"$line")
    [ -n "${set[$name]+x}" ] && set[$name]=$val
  done < "$r/postgresql.auto.txt"
  sets=()
  for k in "${!set[@]}"; do sets+=(--set "$k=${set[$k]}"); done
  log=$r/txlog.txt.gz
  if [ ! -f "$log" ] && [ -f "$r/txlog.txt.xz" ]; then
    xz -dc "$r/txlog.txt.xz" >"$tmp/txlog.txt" || exit 1
    log=$tmp/txlog.txt
  fi
  [ -f "$log" ] || { echo "== $run: no per-transaction pgbench log, skipped"; continue; }
  echo "== $run ${sets[*]}"
  "$walsim" validate "$conf" "${sets[@]}" --pg-log "$r/server.log" --pgbench-log "$log" \
    --stats "$r/bgwriter_before.csv" "$r/wal_before.csv" "$r/bgwriter_after.csv" "$r/wal_after.csv" \
    --waldump-stats "$r/waldump_stats.txt" --out "$out/$run" || rc=1
  unset set
done
exit $rc
