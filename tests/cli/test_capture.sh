#!/usr/bin/env bash
# walsim capture against a real PostgreSQL 15 (issue 19):
#  1. errors: connection refused, a wrong password, a role without
#     pg_monitor: one line each, exit 2, nothing written, no password in
#     stdout, stderr or any file;
#  2. pgbench at two settings (checkpoint_timeout 30s; max_wal_size 32MB),
#     each captured, calibrated into a scenario that passes lint and is
#     simulated: WAL per transaction within 10 % of the measured one,
#     checkpoint counts compared (docs/capture.md gives the figures);
#     an interrupted capture (SIGTERM): exit 143, nothing written;
#  3. the captured snapshots read by the importers (calibrate --stats),
#     as snapshots taken by hand with psql would be.
# The server runs from a fresh initdb in /tmp as an unprivileged user, on a
# Unix socket only (listen_addresses = ''); a trap stops it on any exit.
# Skips (exit 77) when walsim was built without libpq or PostgreSQL 15
# cannot be installed or started.
# Usage: test_capture.sh WALSIM SOURCE_DIR
set -u
walsim=$(realpath "$1")
pgbin=/usr/lib/postgresql/15/bin
if "$walsim" capture --dsn 'host=/nonexistent' --out /tmp/walsim-capture-probe --duration 1s \
    --interval 1s 2>&1 | grep -q "built without libpq"; then
  echo "SKIP: walsim was built without libpq"; exit 77
fi
if [ ! -x "$pgbin/postgres" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL 15 from Debian for this test"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-contrib >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-contrib >/dev/null 2>&1; }
fi
for b in postgres initdb pg_ctl psql pgbench; do
  [ -x "$pgbin/$b" ] || { echo "SKIP: $pgbin/$b is not installed and could not be installed"; exit 77; }
done
as=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "SKIP: no postgres user to run PostgreSQL as"; exit 77; }
  as="runuser -u postgres --"
fi
tmp=$(mktemp -d /tmp/walsim-capture.XXXXXX)
chmod 755 "$tmp"
[ -n "$as" ] && chown postgres "$tmp"
bench_pid=""
cleanup() {
  [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null
  [ -f "$tmp/data/postmaster.pid" ] &&
    (cd "$tmp" && $as "$pgbin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1)
  # WALSIM_CAPTURE_KEEP=DIR keeps the captures, scenarios and reports
  [ -n "${WALSIM_CAPTURE_KEEP:-}" ] && mkdir -p "$WALSIM_CAPTURE_KEEP" &&
    cp -r "$tmp"/cap_* "$tmp"/*.conf "$tmp"/calibrate_* "$tmp"/compare_* "$tmp"/server.log \
      "$WALSIM_CAPTURE_KEEP"/ 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
cd "$tmp" || exit 1
port=$((50000 + RANDOM % 10000))
if ! $as "$pgbin/initdb" -D "$tmp/data" -U postgres --auth-local=trust --auth-host=reject -E UTF8 \
    --locale=C >"$tmp/initdb.txt" 2>&1; then
  echo "SKIP: initdb failed: $(tail -2 "$tmp/initdb.txt")"; exit 77
fi
# Password roles first: pg_hba takes the first line that matches.
{ echo "local all walsim scram-sha-256"; echo "local all wrongpw scram-sha-256"
  cat "$tmp/data/pg_hba.conf"; } >"$tmp/hba"
cp "$tmp/hba" "$tmp/data/pg_hba.conf"
cat >>"$tmp/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$tmp'
port = $port
log_checkpoints = on
log_line_prefix = '%m [%p] %b '
log_timezone = UTC
lc_messages = 'C'
shared_buffers = 64MB
checkpoint_timeout = 30s
shared_preload_libraries = 'pg_stat_statements'
EOF
if ! $as "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 start >/dev/null 2>&1; then
  echo "SKIP: PostgreSQL did not start: $(tail -3 "$tmp/server.log" 2>/dev/null)"; exit 77
fi
psql() { $as "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres "$@" postgres; }
good_pw='Capture-Good-7f3a'
wrong_pw='Capture-Wrong-91c2'
right_pw_other='Capture-Other-5d8e'
psql -c "create role walsim login password '$good_pw'; grant pg_monitor to walsim;
         create role nomon login; create role wrongpw login password '$right_pw_other';
         create extension pg_stat_statements;" || { echo "FAIL: setting up roles"; exit 1; }
$as "$pgbin/pgbench" -i -s 5 -q -h "$tmp" -p "$port" -U postgres postgres >"$tmp/init.txt" 2>&1 ||
  { echo "FAIL: pgbench -i: $(tail -2 "$tmp/init.txt")"; exit 1; }
psql -c "vacuum analyze" || exit 1
# The password of walsim comes from a password file, as libpq reads it.
printf '*:*:*:walsim:%s\n' "$good_pw" >"$tmp/pgpass"
chmod 600 "$tmp/pgpass"
export PGPASSFILE="$tmp/pgpass"
unset PGPASSWORD PGSERVICE PGHOST PGPORT PGUSER PGDATABASE
dsn="host=$tmp port=$port dbname=postgres"

fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
nothing_written() { # DIR: neither it nor a staging folder of it
  if [ -e "$1" ] || ls -a "$(dirname "$1")" | grep -q "^\.$(basename "$1")\.walsim-stage"; then
    bad "$2: something was written to $1"; else ok; fi
}

# 1. errors
expect_error() { # NAME MESSAGE-REGEX ENV... -- ARGS...
  local name=$1 re=$2; shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  env "${envs[@]}" "$walsim" capture "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  [ $rc = 2 ] && ok || bad "$name: exit $rc, expected 2"
  [ "$(wc -l <"$tmp/$name.err")" = 1 ] && ok || bad "$name: not one line: $(cat "$tmp/$name.err")"
  grep -Eq "$re" "$tmp/$name.err" && ok || bad "$name: expected /$re/, got: $(cat "$tmp/$name.err")"
}
expect_error refused "connection refused: no PostgreSQL server listening at $tmp port 1" -- \
  --dsn "host=$tmp port=1 dbname=postgres user=walsim" --out "$tmp/e1" --duration 2s --interval 1s
nothing_written "$tmp/e1" refused
expect_error wrongpw_env 'authentication failed for role "wrongpw"' PGPASSWORD=$wrong_pw -- \
  --dsn "$dsn user=wrongpw" --out "$tmp/e2" --duration 2s --interval 1s
nothing_written "$tmp/e2" wrongpw_env
expect_error wrongpw_dsn 'authentication failed for role "wrongpw"' -- \
  --dsn "$dsn user=wrongpw password=$wrong_pw" --out "$tmp/e3" --duration 2s --interval 1s
nothing_written "$tmp/e3" wrongpw_dsn
expect_error nomon 'role "nomon" is not a member of pg_monitor: GRANT pg_monitor TO nomon' -- \
  --dsn "$dsn user=nomon" --out "$tmp/e4" --duration 2s --interval 1s
nothing_written "$tmp/e4" nomon
expect_error nomon_pw 'role "wrongpw" is not a member of pg_monitor' PGPASSWORD=$right_pw_other -- \
  --dsn "$dsn user=wrongpw" --out "$tmp/e5" --duration 2s --interval 1s
nothing_written "$tmp/e5" nomon_pw

# Interrupted: exit 143, nothing written.
"$walsim" capture --dsn "$dsn user=walsim" --out "$tmp/e6" --duration 30s --interval 1s \
  >"$tmp/int.out" 2>"$tmp/int.err" &
cap_pid=$!
sleep 3
kill -TERM "$cap_pid"  # (SIGINT stays ignored in a background job of a script)
wait "$cap_pid"
rc=$?
[ $rc = 143 ] && ok || bad "interrupted capture: exit $rc, expected 143: $(cat "$tmp/int.err")"
nothing_written "$tmp/e6" interrupted

# 2. two settings, each captured while pgbench runs at a fixed rate
secs=48
run_setting() { # NAME SQL...
  local name=$1; shift
  for sql in "$@"; do psql -c "$sql" || return 1; done
  psql -c "select pg_reload_conf()" >/dev/null && psql -c "checkpoint" || return 1
  sleep 1
  $as "$pgbin/pgbench" -n -c 4 -j 2 -R 200 -T $((secs + 4)) -h "$tmp" -p "$port" -U postgres \
    postgres >"$tmp/pgbench_$name.txt" 2>&1 &
  bench_pid=$!
  sleep 2
  "$walsim" capture --dsn "$dsn user=walsim" --duration ${secs}s --interval 1s --out "$tmp/cap_$name" \
    >"$tmp/capture_$name.out" 2>"$tmp/capture_$name.err"
  local rc=$?
  wait "$bench_pid"; bench_pid=""
  [ $rc = 0 ] || { bad "capture $name: exit $rc: $(cat "$tmp/capture_$name.err")"; return 1; }
  ok
  "$walsim" calibrate --capture "$tmp/cap_$name" --scenario "$tmp/$name.conf" \
    >"$tmp/calibrate_$name.out" 2>&1 || { bad "calibrate $name: $(tail -3 "$tmp/calibrate_$name.out")"; return 1; }
  ok
  "$walsim" lint "$tmp/$name.conf" >/dev/null 2>"$tmp/lint_$name.err" && ok ||
    bad "lint $name: $(cat "$tmp/lint_$name.err")"
  "$walsim" run "$tmp/$name.conf" --out "$tmp/sim_$name" -q >/dev/null 2>"$tmp/sim_$name.err" ||
    { bad "run $name: $(cat "$tmp/sim_$name.err")"; return 1; }
  ok
  # measured: the snapshots; simulated: summary.json
  python3 - "$tmp/cap_$name" "$tmp/sim_$name/summary.json" "$name" >"$tmp/compare_$name.txt" <<'EOF'
import csv, json, sys
cap, summ, name = sys.argv[1:4]
rows = lambda f: list(csv.DictReader(open(f"{cap}/{f}")))
meta = {r["key"]: r["value"] for r in rows("capture.csv")}
db = rows("database.csv"); wal = rows("wal.csv"); bg = rows("bgwriter.csv")
tx = int(db[-1]["xact_commit"]) - int(db[0]["xact_commit"]) - int(meta["own_transactions"])
wal_tx = (float(wal[-1]["wal_bytes"]) - float(wal[0]["wal_bytes"])) / tx
fpi_tx = (float(wal[-1]["wal_fpi"]) - float(wal[0]["wal_fpi"])) / tx
mt = int(bg[-1]["checkpoints_timed"]) - int(bg[0]["checkpoints_timed"])
mr = int(bg[-1]["checkpoints_req"]) - int(bg[0]["checkpoints_req"])
v = next(iter(json.load(open(summ))["variants"].values()))
s_wal = v["intervals"]["wal_bytes_per_tx"]["est"]
s_fpi = v["wal"]["fpi_count"] / v["transactions"] if v.get("transactions") else float("nan")
st = v["pg_stat"]["pg_stat_bgwriter"]["checkpoints_timed"]
sr = v["pg_stat"]["pg_stat_bgwriter"]["checkpoints_req"]
err = (s_wal - wal_tx) / wal_tx
print(f"{name}: WAL/tx measured {wal_tx:.1f} simulated {s_wal:.1f} ({err:+.1%}); "
      f"images/tx measured {fpi_tx:.4f} simulated {s_fpi:.4f}; checkpoints timed/req "
      f"measured {mt}/{mr} simulated {st}/{sr}")
ok = abs(err) <= 0.10 and abs((mt + mr) - (st + sr)) <= 1
sys.exit(0 if ok else 1)
EOF
  local prc=$?
  cat "$tmp/compare_$name.txt"
  [ $prc = 0 ] && ok || bad "$name: outside the goals (WAL/tx 10 %, checkpoints within one)"
  # 3. the importers read the captured snapshots, as hand-made ones
  local ntx
  ntx=$(sed -n 's/^walsim calibrate: .*, \([0-9]*\) transactions.*/\1/p' "$tmp/calibrate_$name.out")
  local c="$tmp/cap_$name"
  if "$walsim" calibrate --stats "$c/bgwriter_before.csv" "$c/wal_before.csv" "$c/bgwriter_after.csv" \
      "$c/wal_after.csv" --transactions "${ntx:-1}" >"$tmp/stats_$name.out" 2>&1; then
    a=$(grep "WAL bytes" "$tmp/calibrate_$name.out" | awk '{print $3}')
    b=$(grep "WAL bytes" "$tmp/stats_$name.out" | awk '{print $3}')
    [ -n "$a" ] && [ "$a" = "$b" ] && ok || bad "$name: calibrate --stats gives WAL bytes $b, --capture $a"
  else
    bad "$name: calibrate --stats on the captured files: $(tail -2 "$tmp/stats_$name.out")"
  fi
  for f in settings.csv capture.csv bgwriter.csv wal.csv database.csv control.csv sizes_after.csv \
      user_tables_after.csv statio_user_tables_after.csv statements_after.csv; do
    [ -s "$c/$f" ] && ok || bad "$name: $f missing"
  done
  grep -q "^dsn,\"\?user='walsim'" "$c/capture.csv" && ok || bad "$name: dsn not stored: $(grep dsn "$c/capture.csv")"
  head -1 "$c/statements_after.csv" | grep -q ',query,\|,query$' && bad "$name: statements_after.csv has the query text" || ok
}
run_setting timeout30s "alter system set checkpoint_timeout = '30s'" "alter system set max_wal_size = '1GB'"
run_setting walsize32mb "alter system set checkpoint_timeout = '5min'" "alter system set max_wal_size = '32MB'"
grep -q "max_wal_size = '32MB'.*postgresql.auto.conf:" "$tmp/walsize32mb.conf" && ok ||
  bad "[postgres] of walsize32mb.conf lacks max_wal_size with its file:line: $(grep -A8 '^\[postgres\]' "$tmp/walsize32mb.conf")"

# No password anywhere: outputs, messages, files written.
for pw in "$good_pw" "$wrong_pw" "$right_pw_other"; do
  found=$(grep -rl --exclude=pgpass --exclude-dir=data -e "$pw" "$tmp" 2>/dev/null)
  if [ -n "$found" ]; then
    bad "password found in: $found"
  else ok; fi
done

echo "test_capture: $passes passed, $fails failed"
[ $fails = 0 ]
