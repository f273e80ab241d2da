#!/usr/bin/env bash
# Checks walsim's PostgreSQL 15 settings against a real PostgreSQL 15:
#  1. the postgresql.conf that initdb writes loads in walsim as is;
#  2. every [postgres] default walsim has for 15 equals `postgres -C NAME`;
#  3. values with units and fractions round as PostgreSQL rounds them;
#  4. values walsim rejects as out of range, PostgreSQL rejects too.
# Skips (exit 77) where PostgreSQL 15 is not installed or cannot run.
# Usage: test_pg15_peer.sh WALSIM SOURCE_DIR
set -u
walsim=$(realpath "$1")
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/postgres" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL 15 from Debian for this test"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null 2>&1; }
fi
if [ ! -x "$pgbin/postgres" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "SKIP: PostgreSQL 15 is not installed ($pgbin) and could not be installed"; exit 77
fi
# PostgreSQL refuses to run as root: use an unprivileged user.
as=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "SKIP: no postgres user to run PostgreSQL as"; exit 77; }
  as="runuser -u postgres --"
fi
tmp=$(mktemp -d /tmp/walsim-pg15.XXXXXX)
chmod 755 "$tmp"
[ -n "$as" ] && chown postgres "$tmp"
trap 'rm -rf "$tmp"' EXIT
# Run PostgreSQL from a directory it can enter (it warns on stderr otherwise).
cd "$tmp" || exit 1
if ! $as "$pgbin/initdb" -D "$tmp/data" -A trust >/dev/null 2>&1; then
  echo "SKIP: initdb failed"; exit 77
fi
# The value on stdout; messages go to stderr.
pgc() { $as "$pgbin/postgres" -D "$tmp/data" -C "$1" 2>/dev/null; }
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# 1. initdb's postgresql.conf, as is
cp "$tmp/data/postgresql.conf" "$tmp/initdb.conf"
printf "[scenario]\npg_version = 15\n[postgres]\ninclude 'initdb.conf'\n" > "$tmp/s.conf"
out=$("$walsim" lint "$tmp/s.conf" 2>&1) && ok || bad "initdb's postgresql.conf does not load: $out"

# 2. defaults
printf "[scenario]\npg_version = 15\n" > "$tmp/empty.conf"
while IFS=$'\t' read -r variant name setting unit; do
  real=$(pgc "$name")
  if [ "$real" = "$setting" ]; then ok; else bad "$name: walsim default '$setting', PostgreSQL 15 '$real'"; fi
done < <("$walsim" lint "$tmp/empty.conf" --pg-settings)

# 3. rounding and units: set values in postgresql.conf and compare
values="shared_buffers='1001kB'
max_wal_size='1.5GB'
checkpoint_timeout='1.5min'
checkpoint_completion_target=0.7
bgwriter_delay=250
wal_writer_flush_after='3MB'
checkpoint_flush_after=0
wal_compression=lz4
synchronous_commit=off
min_wal_size='100MB'"
printf "%s\n" "$values" >> "$tmp/data/postgresql.conf"
printf "[scenario]\npg_version = 15\n[postgres]\n%s\n" "$values" > "$tmp/set.conf"
while IFS=$'\t' read -r variant name setting unit; do
  case "$values" in *"$name="*) ;; *) continue ;; esac
  real=$(pgc "$name")
  if [ "$real" = "$setting" ]; then ok; else bad "$name: walsim '$setting', PostgreSQL 15 '$real'"; fi
done < <("$walsim" lint "$tmp/set.conf" --pg-settings)

# 4. out of range in both
for kv in "checkpoint_timeout=10s" "checkpoint_completion_target=1.5" "bgwriter_delay=5ms" "shared_buffers=8kB"; do
  cp "$tmp/initdb.conf" "$tmp/data/postgresql.conf"
  echo "$kv" >> "$tmp/data/postgresql.conf"
  name=${kv%%=*}
  if pgc "$name" >/dev/null 2>&1; then pg_ok=1; else pg_ok=0; fi
  printf "[scenario]\npg_version = 15\n[postgres]\n%s\n" "$kv" > "$tmp/r.conf"
  if "$walsim" lint "$tmp/r.conf" >/dev/null 2>&1; then ws_ok=1; else ws_ok=0; fi
  if [ "$pg_ok" = "$ws_ok" ]; then ok; else bad "$kv: PostgreSQL accepts=$pg_ok, walsim accepts=$ws_ok"; fi
done

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
