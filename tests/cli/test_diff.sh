#!/usr/bin/env bash
# walsim diff: two runs of one scenario compared figure by figure.
# The same scenario and seed twice -> exit 0 and no change at all; two
# seeds with a tight tolerance -> exit 1 and the rows flagged; intervals
# reported as overlapping or not; bad input (a folder without
# summary.json, a missing folder, another scenario, an unknown metric or
# tolerance) -> exit 2 with a message naming the file.
# Usage: test_diff.sh WALSIM SOURCE_DIR
set -u
walsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cat > "$tmp/a.conf" <<'CONF'
[scenario]
duration = 2min
pg_version = 15
[workload]
profile = pgbench
scale = 20
clients = 4
[postgres]
shared_buffers = 512MB
max_wal_size = 128MB
checkpoint_timeout = 1min
[variant small]
[variant big]
max_wal_size = 1GB
CONF
for d in s1 s1b s2; do
  seed=1; [ $d = s2 ] && seed=2
  "$walsim" run "$tmp/a.conf" --seed $seed --out "$tmp/$d" --quiet --no-report ||
    fail "run $d exited $?"
done

out=$("$walsim" diff "$tmp/s1" "$tmp/s1b"); rc=$?
[ $rc -eq 0 ] || { echo "$out"; fail "same seed twice exited $rc"; }
echo "$out" | grep -q "^0 of 18 figures changed" || { echo "$out"; fail "same seed: changes reported"; }
echo "$out" | grep -E '^(small|big) ' | grep -v -q ' +0.00% ' && { echo "$out"; fail "a non-zero change for the same seed"; }
echo "ok: the same run twice: exit 0, no change"

out=$("$walsim" diff "$tmp/s1" "$tmp/s2" --tolerance 0.001%); rc=$?
[ $rc -eq 1 ] || { echo "$out"; fail "two seeds, tight tolerance exited $rc"; }
echo "$out" | grep -q "EXCEEDS TOLERANCE" || fail "no row flagged"
echo "$out" | grep -q -E "overlap|DO NOT OVERLAP" || fail "intervals not compared"
echo "$out"
out=$("$walsim" diff "$tmp/s1" "$tmp/s2" --tolerance 1000% --metric tps --metric p99); rc=$?
[ $rc -eq 0 ] || { echo "$out"; fail "two seeds, loose tolerance exited $rc"; }
[ "$(echo "$out" | grep -c -E '^(small|big) ')" -eq 4 ] || { echo "$out"; fail "--metric did not limit the rows"; }
echo "ok: two seeds: exit 1 with a tight tolerance, 0 with a loose one"

mkdir "$tmp/empty"
expect2() {
  "$walsim" diff "$@" >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc -eq 2 ] || { cat "$tmp/o" "$tmp/e"; fail "diff $* exited $rc, expected 2"; }
}
expect2 "$tmp/s1" "$tmp/empty"
grep -q "empty/summary.json" "$tmp/e" || fail "message does not name the file: $(cat "$tmp/e")"
expect2 "$tmp/s1" "$tmp/nonexistent"
expect2 "$tmp/s1"
expect2 "$tmp/s1" "$tmp/s2" --tolerance lots
expect2 "$tmp/s1" "$tmp/s2" --metric nosuch
sed 's/clients = 4/clients = 5/' "$tmp/a.conf" > "$tmp/b.conf"
"$walsim" run "$tmp/b.conf" --seed 1 --out "$tmp/other" --quiet --no-report || fail "run other"
expect2 "$tmp/s1" "$tmp/other"
grep -q "same scenario" "$tmp/e" || fail "different scenarios: $(cat "$tmp/e")"
echo "ok: bad input exits 2"
