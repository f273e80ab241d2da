#!/usr/bin/env bash
# The capacity-planning commands as a user runs them: walsim check (PASS and
# FAIL, exit codes 0/1/2, input errors before any simulation), walsim sweep
# (grid, validation, the same bytes for --jobs 1 and 2) and walsim merge
# (byte-identical to a whole run; missing, doubled and foreign shards).
# Usage: test_capacity.sh WALSIM SOURCE_DIR
set -u
walsim=$1
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

# A tiny scenario: 40 simulated seconds of pgbench at scale 1 with two
# clients, one timed checkpoint (at 30s) per variant.
base='[scenario]
duration = 40s
seed = 3
[workload]
profile = pgbench
scale = 1
clients = 2
[postgres]
shared_buffers = 16MB
checkpoint_timeout = 30s
[variant default]
[variant spread]
checkpoint_completion_target = 0.5
'
printf '%s' "$base" > "$tmp/cap.conf"
printf '%s[expect spread]\np99_latency < 10s\npg_wal_peak <= 60GB\ntps > 0.5 * default.tps\ntransactions > 0\n' \
  "$base" > "$tmp/pass.conf"
printf '%s[expect spread]\np99_latency < 10s\np99_latency < 1us\n' "$base" > "$tmp/fail.conf"

# --- check ---------------------------------------------------------------
# pg_wal_peak needs a checkpoint completed in the window: 2 minutes hold
# several 30s cycles (40s may end in the middle of the first checkpoint).
expect_exit 0 "4 of 4 expectations hold" -- check --set duration=2min "$tmp/pass.conf"
out=$("$walsim" check --set duration=2min "$tmp/pass.conf" 2>&1)
case "$out" in *"PASS  $tmp/pass.conf:15  [expect spread] p99_latency < 10s"*) ok ;; *) bad "no PASS line: $out" ;; esac
case "$out" in *"tps = "*"/s, expected > "*"(default.tps = "*) ok ;; *) bad "no measured values: $out" ;; esac

expect_exit 1 "FAIL  $tmp/fail.conf:16  [expect spread] p99_latency < 1us" -- check "$tmp/fail.conf"
expect_exit 1 "1 of 2 expectations hold; check failed" -- check "$tmp/fail.conf"
out=$("$walsim" check --quiet "$tmp/fail.conf" 2>&1)
case "$out" in *PASS*) bad "--quiet printed a PASS line: $out" ;; *FAIL*) ok ;; *) bad "--quiet: $out" ;; esac

# An expectation about checkpoints that no checkpoint exercised is NOT
# EXERCISED and fails the check, with the variant's warning above it: 20
# seconds of a 1-hour checkpoint_timeout hold no complete checkpoint.
printf '%s' "$base" | sed 's/^checkpoint_timeout = 30s$/checkpoint_timeout = 1h\nmax_wal_size = 10GB/' \
  > "$tmp/idle.conf"
printf '[expect spread]\ncheckpoints_req = 0\ntps > 0\n' >> "$tmp/idle.conf"
expect_exit 1 "NOT EXERCISED  $tmp/idle.conf:16  [expect spread] checkpoints_req = 0" -- check --set duration=20s "$tmp/idle.conf"
out=$("$walsim" check --set duration=20s "$tmp/idle.conf" 2>&1)
case "$out" in *"not exercised: spread.checkpoints_req: no checkpoint completed in the "*" window; lengthen duration or use duration = auto"*) ok ;; *) bad "no reason: $out" ;; esac
case "$out" in *"1 of 2 expectations hold, 1 not exercised; check failed"*) ok ;; *) bad "not-exercised total: $out" ;; esac
case "$out" in *"WARNING spread: too few checkpoint cycles"*"NOT EXERCISED"*) ok ;; *) bad "no warning above the verdict: $out" ;; esac
out=$("$walsim" check --quiet --set duration=20s "$tmp/idle.conf" 2>&1)
case "$out" in *PASS*) bad "--quiet printed a PASS line: $out" ;; *"NOT EXERCISED"*) ok ;; *) bad "--quiet: $out" ;; esac

expect_exit 2 "has no [expect VARIANT] section" -- check "$tmp/cap.conf"
expect_exit 2 "which scenario?" -- check
expect_exit 2 "unknown option '--bogus'" -- check --bogus "$tmp/pass.conf"

# Bad expectations are input errors, all reported, before any simulation:
# with 30 days to simulate, a run would not end within the timeout.
printf '%s[expect spread]\np99_latncy < 1s\npg_wal_peak <= 5min\ntps > 0.5 * defualt.tps\n' \
  "$base" > "$tmp/bad.conf"
out=$(timeout 20 "$walsim" check --set duration=30d "$tmp/bad.conf" 2>&1); rc=$?
[ "$rc" = 2 ] && ok || bad "bad expectations: exit $rc (124: it simulated): $out"
case "$out" in *"bad.conf:15: [expect spread] p99_latncy < 1s: unknown metric 'p99_latncy'; did you mean p99_latency?"*) ok ;; *) bad "unknown metric: $out" ;; esac
case "$out" in *"bad.conf:16: [expect spread] pg_wal_peak <= 5min: pg_wal_peak is a size: '5min' is a time"*) ok ;; *) bad "unit kind: $out" ;; esac
case "$out" in *"bad.conf:17: [expect spread] tps > 0.5 * defualt.tps: there is no variant 'defualt'; did you mean default?"*) ok ;; *) bad "variant: $out" ;; esac

# --set reaches the simulated variants: a 1-second run has fewer transactions.
printf '%s[expect spread]\ntransactions < 5000\n' "$base" > "$tmp/short.conf"
expect_exit 1 "FAIL" -- check "$tmp/short.conf"
expect_exit 0 "PASS" -- check --set duration=2s "$tmp/short.conf"

expect_exit 0 "p99_latency_ms" -- help metrics
expect_exit 0 "--shard K/N" -- help sweep

# --- sweep ---------------------------------------------------------------
grid=(--param max_wal_size=64MB,1GB --param checkpoint_timeout=30s..60s+30s --seeds 2)
expect_exit 0 "4 points x 2 seeds x 2 variants = 16 runs" -- sweep "$tmp/cap.conf" "${grid[@]}" --jobs 2 --out "$tmp/whole"
csv=$tmp/whole/sweep.csv
[ "$(wc -l < "$csv")" = 17 ] && ok || bad "sweep.csv has $(wc -l < "$csv") lines, expected 1 + 16"
head -1 "$csv" | grep -q '^point,seed,max_wal_size,max_wal_size_num,checkpoint_timeout,checkpoint_timeout_num,variant,tps,transactions,p50_latency_ms,' \
  && ok || bad "header: $(head -1 "$csv")"
# Point order: the first --param slowest; then seed (3, 4), then variant.
keys=$(cut -d, -f1-7 "$csv" | sed -n '2p;3p;4p;6p;10p')
want='0,3,64MB,67108864,30s,30,default
0,3,64MB,67108864,30s,30,spread
0,4,64MB,67108864,30s,30,default
1,3,64MB,67108864,1min,60,default
2,3,1GB,1073741824,30s,30,default'
[ "$keys" = "$want" ] && ok || bad "row keys: $keys"

# The same bytes whatever the number of threads (each point has a checkpoint).
"$walsim" sweep "$tmp/cap.conf" "${grid[@]}" --jobs 1 --quiet --out "$tmp/j1" || bad "jobs 1 run"
cmp -s "$csv" "$tmp/j1/sweep.csv" && ok || bad "--jobs 1 and --jobs 2 differ (is some state reachable from ws_run shared between threads?)"

# Three shards, merged, are the whole run, byte for byte.
for k in 1 2 3; do
  "$walsim" sweep "$tmp/cap.conf" "${grid[@]}" --shard $k/3 --jobs 2 --quiet --out "$tmp/shards/s$k" || bad "shard $k"
done
[ "$(cut -d, -f1 "$tmp/shards/s1/sweep.csv" | sed 1d | sort -u | tr '\n' ' ')" = "0 3 " ] && ok || bad "shard 1/3 holds other points"
expect_exit 0 "merged 3 shards" -- merge "$tmp/shards/s3" "$tmp/shards/s1" "$tmp/shards/s2" --out "$tmp/merged"
cmp -s "$csv" "$tmp/merged/sweep.csv" && ok || bad "merged sweep.csv differs from the whole run"
cmp -s "$tmp/whole/sweep.meta" "$tmp/merged/sweep.meta" && ok || bad "merged sweep.meta differs"

# Merge errors: a missing shard, a doubled one, another sweep's, a header.
expect_exit 2 "2 of 4 points are missing: 1, 2; they belong to shards 2/3, 3/3" -- merge "$tmp/shards/s1" --out "$tmp/m1"
expect_exit 2 "2 of 4 points are missing: 0, 3; they belong to shard 1/3" -- merge "$tmp/shards/s2" "$tmp/shards/s3" --out "$tmp/m2"
expect_exit 2 "point 1 is in both $tmp/shards/s2/sweep.csv and $tmp/shards/s2/sweep.csv" -- merge "$tmp/shards/s1" "$tmp/shards/s2" "$tmp/shards/s2" "$tmp/shards/s3" --out "$tmp/m3"
"$walsim" sweep "$tmp/cap.conf" --param max_wal_size=64MB,2GB --param checkpoint_timeout=30s..60s+30s --seeds 2 --shard 3/3 --quiet --out "$tmp/other" || bad "other sweep"
expect_exit 2 "shards of different sweeps" -- merge "$tmp/shards/s1" "$tmp/shards/s2" "$tmp/other" --out "$tmp/m4"
cp -r "$tmp/shards/s3" "$tmp/hdr"
sed -i '1s/,tps,/,tpx,/' "$tmp/hdr/sweep.csv"
expect_exit 2 "the header differs from $tmp/shards/s1/sweep.csv at column 8 ('tpx' vs 'tps')" -- merge "$tmp/shards/s1" "$tmp/shards/s2" "$tmp/hdr" --out "$tmp/m5"
cp -r "$tmp/shards/s3" "$tmp/short"
sed -i '$d' "$tmp/short/sweep.csv"
expect_exit 2 "point 2 has 3 rows, expected 4" -- merge "$tmp/shards/s1" "$tmp/shards/s2" "$tmp/short" --out "$tmp/m6"
expect_exit 2 "cannot open" -- merge "$tmp/nowhere" --out "$tmp/m7"
for m in m1 m2 m3 m4 m5 m6 m7; do [ ! -e "$tmp/$m" ] && ok || bad "a failed merge wrote $m"; done

# Default folders: shards under out/<scenario>-sweep/, merged into it.
(cd "$tmp" && for k in 1 2; do "$walsim" sweep cap.conf --param max_wal_size=64MB,1GB,2GB --quiet --shard $k/2 || exit 1; done) || bad "default shard folders"
[ -f "$tmp/out/cap-sweep/shard-2-of-2/sweep.csv" ] && ok || bad "no out/cap-sweep/shard-2-of-2/sweep.csv"
(cd "$tmp" && "$walsim" merge out/cap-sweep/shard-1-of-2 out/cap-sweep/shard-2-of-2 --quiet) || bad "merge to the default folder"
[ "$(wc -l < "$tmp/out/cap-sweep/sweep.csv")" = 7 ] && ok || bad "default merge: $(ls "$tmp/out/cap-sweep")"
expect_exit 2 "not in the same folder" -- merge "$tmp/shards/s1" "$tmp/out/cap-sweep/shard-1-of-2"

# Sweep input errors, before anything runs or any folder is made.
expect_exit 2 "--param max_wal_size: max_wal_size: '1XB' has an unknown unit" -- sweep "$tmp/cap.conf" --param max_wal_size=64MB,1XB --out "$tmp/e1"
expect_exit 2 "checkpoint_timeout: 10s is below the minimum 30s" -- sweep "$tmp/cap.conf" --param checkpoint_timeout=10s..30s+10s --out "$tmp/e2"
expect_exit 2 "a range needs a step or a factor" -- sweep "$tmp/cap.conf" --param max_wal_size=1GB..4GB --out "$tmp/e3"
expect_exit 2 "--variant nosuch: no such variant" -- sweep "$tmp/cap.conf" --param max_wal_size=1GB --variant nosuch --out "$tmp/e4"
expect_exit 2 "--shard 4/3: K is above N" -- sweep "$tmp/cap.conf" --param max_wal_size=1GB --shard 4/3 --out "$tmp/e5"
expect_exit 2 "--jobs 0: expected a whole number" -- sweep "$tmp/cap.conf" --param max_wal_size=1GB --jobs 0 --out "$tmp/e6"
expect_exit 2 "--param duration: duration: warmup 15s is not shorter than the run (duration 10s)" -- sweep "$tmp/cap.conf" --set warmup=15s --param duration=20s,10s --out "$tmp/e7"
# each value is valid on its own, the point (10s, 15s) is not: found when it is set up
expect_exit 2 "sweep: point 1 (duration=10s, warmup=15s): --set: duration: warmup 15s is not shorter than the run" -- sweep "$tmp/cap.conf" --param duration=10s,20s --param warmup=5s,15s --out "$tmp/e8"
for e in e1 e2 e3 e4 e5 e6 e7 e8; do [ ! -e "$tmp/$e" ] && ok || bad "a failed sweep left $e"; done

# --variant: only that variant's rows.
"$walsim" sweep "$tmp/cap.conf" --param max_wal_size=64MB,1GB --variant spread --quiet --out "$tmp/v" || bad "--variant run"
[ "$(cut -d, -f5 "$tmp/v/sweep.csv" | sed 1d | sort -u)" = spread ] && ok || bad "--variant spread: $(cat "$tmp/v/sweep.csv")"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
