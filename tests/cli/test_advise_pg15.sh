#!/usr/bin/env bash
# walsim advise --conf / --alter-system: the files it writes are accepted
# by a real PostgreSQL 15.  The fragment is included from initdb's
# postgresql.conf and `postgres -C` must show the recommended values; the
# SQL runs in single-user mode (ALTER SYSTEM writes postgresql.auto.conf)
# and `postgres -C` must show them again.  Also: the files are written
# whole (no temporary left), and several variants without --variant are
# refused (exit 2) before anything runs.
# Skips (exit 77) where PostgreSQL 15 is not installed or cannot run.
# Usage: test_advise_pg15.sh WALSIM SOURCE_DIR
set -u
walsim=$(realpath "$1")
pgbin=/usr/lib/postgresql/15/bin
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d /tmp/walsim-advise-pg15.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/a.conf" <<'CONF'
[scenario]
duration = 4min
pg_version = 15
[workload]
profile = pgbench
scale = 20
clients = 4
[postgres]
shared_buffers = 512MB
max_wal_size = 128MB
checkpoint_timeout = 1min
[variant only]
CONF
"$walsim" advise "$tmp/a.conf" --conf "$tmp/advice.conf" --alter-system "$tmp/advice.sql" \
  >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "advise exited $?"; }
for f in advice.conf advice.sql; do [ -s "$tmp/$f" ] || fail "no $f"; done
ls -A "$tmp" | grep -q '\.tmp\.' && fail "a temporary file was left"
grep -q "^max_wal_size = '[0-9]*[MG]B'$" "$tmp/advice.conf" || fail "no max_wal_size line"
[ "$(grep -c '^# ' "$tmp/advice.conf")" -ge 6 ] || fail "reasons missing"
grep -q "^ALTER SYSTEM SET max_wal_size = " "$tmp/advice.sql" || fail "no ALTER SYSTEM line"
grep -q "^SELECT pg_reload_conf();" "$tmp/advice.sql" || fail "no pg_reload_conf"
want=$(sed -n "s/^max_wal_size = '\([0-9]*\)\([MG]\)B'$/\1 \2/p" "$tmp/advice.conf" |
       awk '{print ($2 == "G") ? $1 * 1024 : $1}')
echo "recommended max_wal_size: ${want}MB"

printf '[scenario]\npg_version = 15\n[variant a]\n[variant b]\n' > "$tmp/two.conf"
"$walsim" advise "$tmp/two.conf" --conf "$tmp/x.conf" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "two variants without --variant exited $rc"
grep -q -- "--variant" "$tmp/err" || fail "message does not say --variant: $(cat "$tmp/err")"
[ ! -e "$tmp/x.conf" ] || fail "a refused advise wrote its file"
echo "ok: files written whole, bad usage refused"

if [ ! -x "$pgbin/postgres" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "SKIP: PostgreSQL 15 is not installed ($pgbin)"; exit 77
fi
as=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "SKIP: no postgres user to run PostgreSQL as"; exit 77; }
  as="runuser -u postgres --"
  chown postgres "$tmp"
fi
cd "$tmp" || exit 1
$as "$pgbin/initdb" -D "$tmp/data" -A trust >/dev/null 2>&1 || { echo "SKIP: initdb failed"; exit 77; }
pgc() { $as "$pgbin/postgres" -D "$tmp/data" -C "$1" 2>"$tmp/pgerr"; }
cp "$tmp/advice.conf" "$tmp/data/advice.conf"
[ -n "$as" ] && chown postgres "$tmp/data/advice.conf"
echo "include 'advice.conf'" >> "$tmp/data/postgresql.conf"
got=$(pgc max_wal_size) || { cat "$tmp/pgerr"; fail "PostgreSQL 15 rejects the fragment"; }
[ "$got" = "$want" ] || fail "fragment: postgres -C max_wal_size = '$got', expected $want"
[ "$(pgc checkpoint_timeout)" = 60 ] || fail "fragment: checkpoint_timeout is $(pgc checkpoint_timeout)"
echo "ok: PostgreSQL 15 reads the fragment (max_wal_size $got MB)"

# The SQL, in single-user mode: ALTER SYSTEM writes postgresql.auto.conf.
sed -i '$d' "$tmp/data/postgresql.conf"
grep -v '^SELECT pg_reload_conf' "$tmp/advice.sql" |
  $as "$pgbin/postgres" --single -D "$tmp/data" postgres >"$tmp/single.out" 2>&1 ||
  { cat "$tmp/single.out"; fail "single-user mode failed on the SQL"; }
grep -q ERROR "$tmp/single.out" && { cat "$tmp/single.out"; fail "PostgreSQL 15 rejects the SQL"; }
got=$(pgc max_wal_size) || { cat "$tmp/pgerr"; fail "postgres -C after ALTER SYSTEM"; }
[ "$got" = "$want" ] || fail "ALTER SYSTEM: max_wal_size = '$got', expected $want"
grep -q "max_wal_size = '" "$tmp/data/postgresql.auto.conf" || fail "postgresql.auto.conf lacks it"
echo "ok: PostgreSQL 15 runs the ALTER SYSTEM statements (max_wal_size $got MB)"
