#!/usr/bin/env bash
# walsim validate and walsim calibrate as a user runs them: a simulation
# validated against its own log_checkpoints lines passes (exit 0); the
# recorded timed-30s run against a tiny scenario fails some goals (exit 1),
# with the same bytes on a second run; input errors exit 2 before anything
# is simulated; calibrate on the shared run A prints its snippet.
# Usage: test_validate.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_exit CODE NEEDLE -- ARGS...: runs walsim, checks the exit code and
# that stdout+stderr contain NEEDLE.
expect_exit() {
  local code=$1 needle=$2; shift 3
  local out rc
  out=$("$walsim" "$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then bad "walsim $* exited $rc, expected $code: $out"; return; fi
  case "$out" in *"$needle"*) ok ;; *) bad "walsim $*: output lacks '$needle': $out" ;; esac
}

# pgbench-like, scale 20, timed checkpoints every 30 s, 2 minutes (as the
# recorded timed-30s run).
cat > "$tmp/t30.conf" <<'EOF'
[scenario]
start = cold
warmup = 0
duration = 2min
seed = 1
pg_version = 15
[workload]
profile = pgbench
scale = 20
clients = 4
[postgres]
shared_buffers = 128MB
checkpoint_timeout = 30s
max_wal_size = 1GB
[os]
cpus = 2
EOF

# --- the simulation against its own checkpoint log: every goal it can judge passes
"$walsim" run "$tmp/t30.conf" --out "$tmp/run" --quiet || bad "walsim run failed"
t0=1767225600 # time 0 of a simulation's log (2026-01-01 00:00:00 UTC)
expect_exit 0 "4 of 8 figures with a goal pass, 4 not measured: PASS" -- \
  validate "$tmp/t30.conf" --pg-log "$tmp/run/checkpoints-base.log" --window "$t0..$((t0 + 120))" \
  --out "$tmp/self"
[ -s "$tmp/self/validation.json" ] && [ -s "$tmp/self/validation_timeline.csv" ] && ok ||
  bad "validate wrote no files"
grep -q '"result": "PASS"' "$tmp/self/validation.json" && ok || bad "self: not PASS in the JSON"
# 120 one-second rows and the header; no pgbench log: measured columns empty
[ "$(wc -l < "$tmp/self/validation_timeline.csv")" = 121 ] && ok ||
  bad "self: $(wc -l < "$tmp/self/validation_timeline.csv") lines in validation_timeline.csv"
line=$(sed -n 32p "$tmp/self/validation_timeline.csv")
case "$line" in 30,,*,write,write) ok ;; *) bad "self: row at 30 s: $line" ;; esac

# --- the recorded timed-30s run
d=$src/tests/validation/data/timed-30s
args=(validate "$tmp/t30.conf" --pg-log "$d/server.log" --pgbench-log "$d/txlog.txt.gz"
      --stats "$d/bgwriter_before.csv" "$d/wal_before.csv" "$d/bgwriter_after.csv" "$d/wal_after.csv")
out=$("$walsim" "${args[@]}" --out "$tmp/v1" 2>&1); rc=$?
case "$out" in
  *"built without zlib"*) echo "skipping the gzip dataset: walsim has no zlib" ;;
  *)
    [ "$rc" = 1 ] && ok || bad "timed-30s: exit $rc, expected 1: $out"
    case "$out" in *"checkpoints_timed                       4              4"*"PASS"*) ok ;;
                   *) bad "timed-30s: checkpoint row: $out" ;; esac
    case "$out" in *"checkpoint_write_s                 26.543"*) ok ;; *) bad "timed-30s: write: $out" ;; esac
    case "$out" in *"hurried by the shutdown"*) ok ;; *) bad "timed-30s: no hurried note: $out" ;; esac
    "$walsim" "${args[@]}" --out "$tmp/v2" --quiet > "$tmp/q.txt"; rc=$?
    [ "$rc" = 1 ] && grep -q "figures with a goal pass: FAIL" "$tmp/q.txt" && ok || bad "--quiet: $(cat "$tmp/q.txt")"
    cmp -s "$tmp/v1/validation.json" "$tmp/v2/validation.json" && ok || bad "validation.json differs between runs"
    cmp -s "$tmp/v1/validation_timeline.csv" "$tmp/v2/validation_timeline.csv" && ok ||
      bad "validation_timeline.csv differs between runs"
    head -1 "$tmp/v1/validation_timeline.csv" | grep -q '^t_s,meas_tps,sim_tps,' && ok || bad "CSV header"
    ;;
esac

# --- input errors: exit 2, nothing written
expect_exit 2 "which scenario?" -- validate --pg-log "$d/server.log" --pgbench-log a b
expect_exit 2 "--pg-log LOG is required" -- validate "$tmp/t30.conf"
expect_exit 2 "expected START..END in epoch seconds" -- validate "$tmp/t30.conf" --pg-log "$d/server.log" --window 5
expect_exit 2 "the end must come after the start" -- validate "$tmp/t30.conf" --pg-log "$d/server.log" --window 9..3
expect_exit 2 "unknown option '--bogus'" -- validate "$tmp/t30.conf" --bogus
expect_exit 2 "--variant fast: no such variant; the scenario has: base" -- \
  validate "$tmp/t30.conf" --pg-log "$d/server.log" --variant fast
expect_exit 2 "$tmp/none.log" -- validate "$tmp/t30.conf" --pg-log "$tmp/none.log" --out "$tmp/none"
[ ! -e "$tmp/none" ] && ok || bad "a failed validate created its folder"
expect_exit 2 "--pg-log given twice" -- validate "$tmp/t30.conf" --pg-log a --pg-log b
expect_exit 2 "--stats needs a file" -- validate "$tmp/t30.conf" --stats --pg-log a
printf 'Total 1 2 [1%%] 3 [1%%] 9 [100%%]\n' > "$tmp/wd.txt"
expect_exit 2 "wd.txt:1: pg_waldump Total line: combined size 9 is not record size 2 + FPI size 3" -- \
  validate "$tmp/t30.conf" --pg-log "$d/server.log" --waldump-stats "$tmp/wd.txt" --window 1..2
# a progress file without --progress-timestamp cannot be placed against the log
printf 'progress: 1.0 s, 100.0 tps, lat 1.000 ms stddev 0.100\n' > "$tmp/rel.txt"
expect_exit 2 "--progress-timestamp" -- validate "$tmp/t30.conf" --pg-log "$d/server.log" --pgbench-progress "$tmp/rel.txt"
expect_exit 0 "Usage: walsim validate FILE --pg-log LOG" -- help validate
expect_exit 0 "Usage: walsim calibrate --stats" -- calibrate --help

# --- calibrate on the shared run A (tests/unit/data/validate/pg15_A)
a=$src/tests/unit/data/validate/pg15_A
cal=(calibrate --stats "$a/bgwriter_before.csv" "$a/wal_before.csv" "$a/db_samples.csv" "$a/bgwriter_after.csv"
     "$a/wal_after.csv" --pg-log "$a/server.log" --pgbench-progress "$a/pgbench_progress.txt"
     --waldump-stats "$a/waldump_stats.txt")
expect_exit 0 "wal_bytes = 443B" -- "${cal[@]}" --table pgbench_accounts:163935
expect_exit 0 "writes = 'pgbench_accounts:1.256'" -- "${cal[@]}" --table pgbench_accounts:1281MB
expect_exit 0 "hot set: no fit" -- "${cal[@]}"
expect_exit 0 "[table data]" -- "${cal[@]}" --model uniform
# without pg_waldump the image bytes are an assumption, and it says so
expect_exit 0 "image size ASSUMED" -- calibrate --stats "$a/wal_before.csv" "$a/wal_after.csv" \
  --pg-log "$a/server.log" --pgbench-progress "$a/pgbench_progress.txt" --table t:163935
expect_exit 2 "--stats BEFORE.csv AFTER.csv is required" -- calibrate --pg-log "$a/server.log"
expect_exit 2 "--table x: expected NAME:PAGES" -- calibrate --stats "$a/wal_before.csv" --table x
expect_exit 2 "--table 1a:5: the name must be an identifier" -- calibrate --stats "$a/wal_before.csv" --table 1a:5
expect_exit 2 "--model best: expected uniform or hotset" -- calibrate --stats "$a/wal_before.csv" --model best
expect_exit 2 "unexpected argument 'stray'" -- calibrate stray --stats "$a/wal_before.csv"
printf 'epoch,wal_fpi,wal_bytes\n1795545400,1,1\n' > "$tmp/reset.csv"
expect_exit 2 "wal_fpi went down from 611978 to 1" -- \
  calibrate --stats "$a/wal_before.csv" "$a/wal_after.csv" "$tmp/reset.csv" --transactions 5
expect_exit 2 "before and after the run" -- calibrate --stats "$a/wal_before.csv"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
