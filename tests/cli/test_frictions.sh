#!/usr/bin/env bash
# Smaller frictions a new user met (issue 17): the ignored PostgreSQL
# settings in one line; hints for names from cloud consoles and old
# postgresql.conf files; --set errors name the assignment, and quoted
# --set values read as in the file.  Usage: test_frictions.sh WALSIM SOURCE_DIR
set -u
walsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() { # CODE NEEDLE ARGS...
  local code=$1 needle=$2; shift 2
  local out rc
  out=$("$walsim" "$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then bad "walsim $* exited $rc, expected $code: $out"; return; fi
  case "$out" in *"$needle"*) ok ;; *) bad "walsim $*: output lacks '$needle': $out" ;; esac
}
small='[scenario]\nduration = 20s\nwarmup = 5s\n[workload]\nprofile = pgbench\nscale = 5\nclients = 2\n[postgres]\nshared_buffers = 128MB\n'

# Ignored settings: one line after the table, each name once; lint lists each.
printf "$small"'work_mem = 4MB\nlisten_addresses = x\nport = 5433\nmax_connections = 50\nrandom_page_cost = 1.1\npg_stat_statements.max = 100\n' > "$tmp/ign.conf"
out=$("$walsim" run "$tmp/ign.conf" --out "$tmp/o1" --set work_mem=8MB 2>&1)
n=$(echo "$out" | grep -c '^note:')
[ "$n" = 1 ] && ok || bad "run printed $n note lines: $out"
echo "$out" | grep -qx 'note: 6 PostgreSQL settings ignored (work_mem, listen_addresses, port, max_connections, ...): walsim does not model them; walsim lint lists them' &&
  ok || bad "the ignored-settings line: $(echo "$out" | grep '^note:')"
[ "$("$walsim" lint "$tmp/ign.conf" | grep -c 'does not model (ignored)')" = 6 ] && ok ||
  bad "lint does not list each ignored setting"
printf "$small"'work_mem = 4MB\n' > "$tmp/ign1.conf"
expect 0 "note: 1 PostgreSQL setting ignored (work_mem): walsim does not model it; walsim lint lists it" \
  run "$tmp/ign1.conf" --out "$tmp/o2"

# Names that are not keys, with what to write instead.
hint() { # SECTION KEY=VALUE NEEDLE
  printf '[%s]\n%s\n' "$1" "$2" > "$tmp/hint.conf"
  expect 2 "$3" lint "$tmp/hint.conf"
}
hint postgres wal_keep_segments=64 "wal_keep_segments: unknown key in [postgres]; removed in PostgreSQL 13; use wal_keep_size"
hint postgres checkpoint_segments=32 "removed in PostgreSQL 9.5; use max_wal_size"
hint disk iops=3000 "iops: unknown key in [disk]; the device's limits are [disk] write_iops and read_iops"
hint disk throughput=125MB/s "[disk] write_bandwidth and read_bandwidth"
hint workload tps=500 "tps: unknown key in [workload]; the load is [workload] clients"
hint 'variant x' IOPS=3000 "IOPS: unknown setting; the device's limits"
expect 2 "--set wal_keep_segments=64: unknown setting; removed in PostgreSQL 13; use wal_keep_size" \
  lint "$tmp/ign1.conf" --set wal_keep_segments=64
# A near miss still gets its suggestion.
hint postgres max_wal_sise=2GB "did you mean max_wal_size?"

# An error a --set causes names it, also when it clashes with the file.
printf '[scenario]\nduration = 5min\nwarmup = 2min\n' > "$tmp/w.conf"
expect 2 "--set duration=10s: $tmp/w.conf:3: warmup: warmup 2min is not shorter than the run (duration 10s)" \
  lint "$tmp/w.conf" --set duration=10s
expect 2 "--set checkpoint_timeout=10s: 10s is below the minimum 30s" run "$tmp/w.conf" --set checkpoint_timeout=10s
expect 2 "--set max_wal_size=lots: 'lots' is not a number" check "$tmp/w.conf" --set max_wal_size=lots
# Quoted --set values: the file's quoting rules, blanks inside kept.
expect 0 "'%m [%p] '  " lint "$tmp/w.conf" --set "log_line_prefix = '%m [%p] '  " --changed
expect 0 "'it's'  " lint "$tmp/w.conf" --set "description='it''s'" --changed
expect 0 "'it's'  " lint "$tmp/w.conf" --set "description='it\\'s'" --changed
expect 2 "unterminated quoted value" lint "$tmp/w.conf" --set "description='open"
expect 2 "text after the quoted value" lint "$tmp/w.conf" --set "description='a' b"
printf "$small"'log_checkpoints = on\nmax_wal_size = 32MB\n' > "$tmp/log.conf"
"$walsim" run "$tmp/log.conf" --set "log_line_prefix='%m [%p] '" --set duration=1min --quiet --out "$tmp/log" &&
  grep -q '^2026-[0-9-]* [0-9:.]* UTC [[][0-9]*[]] LOG:  checkpoint' "$tmp/log/checkpoints.log" && ok ||
  bad "a quoted log_line_prefix from --set: $(grep -m1 LOG "$tmp/log/checkpoints.log")"

# A progress line with the time left, for advise as for run, on a terminal
# only (script(1) gives the command one).
if command -v script >/dev/null; then
  for cmd in "run --variant default --out $tmp/p" "advise --variant default --no-verify"; do
    out=$(script -qec "'$walsim' $cmd --set duration=10min" /dev/null 2>&1 | tr '\r' '\n')
    echo "$out" | grep -aEq '^.*walsim: .*[0-9]+% simulated, about [0-9]+ (s|min [0-9]+ s) left' && ok ||
      bad "walsim $cmd: no progress line with the time left: $(echo "$out" | head -3)"
  done
  out=$("$walsim" advise --variant default --no-verify --set duration=10min 2>&1 </dev/null)
  case "$out" in *"simulated"*"left"*) bad "advise shows progress without a terminal" ;; *) ok ;; esac
fi

echo "test_frictions: $passes passed, $fails failed"
[ $fails = 0 ]
