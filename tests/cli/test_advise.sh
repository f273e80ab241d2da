#!/usr/bin/env bash
# walsim advise on a small load whose checkpoints are requested by WAL: it
# recommends a max_wal_size, simulates it, and the value it reports as
# verified must give timed checkpoints only when run with walsim run.
# Also: bad input exits 2 before anything runs.
# Usage: test_advise.sh WALSIM SOURCE_DIR
set -u
walsim=$1
tmp=$(mktemp -d)
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
CONF
out=$("$walsim" advise "$tmp/a.conf" 2>&1) || { echo "FAIL: advise exited $?"; echo "$out"; exit 1; }
echo "$out"
echo "$out" | grep -q "requested by WAL" || { echo "FAIL: no 'requested by WAL' line"; exit 1; }
mws=$(echo "$out" | sed -n 's/.*=> max_wal_size = \([0-9.]*[MG]B\) keeps checkpoints timed.*/\1/p')
[ -n "$mws" ] || { echo "FAIL: no verified recommendation"; exit 1; }
"$walsim" run "$tmp/a.conf" --set "max_wal_size=$mws" --quiet --out "$tmp/out" ||
  { echo "FAIL: walsim run with max_wal_size=$mws"; exit 1; }
python3 - "$tmp/out/summary.json" <<'PY' || exit 1
import json, sys
v = json.load(open(sys.argv[1]))["variants"]["base"]
c = v["checkpoints"]
if c["requested"] != 0 or c["timed"] < 2:
    print(f"FAIL: with the advice: {c['timed']} timed, {c['requested']} requested"); sys.exit(1)
a = v["advice"]
if not a["max_wal_size_enough"]:
    print("FAIL: summary advice still says max_wal_size is not enough"); sys.exit(1)
print(f"ok: {c['timed']} timed, 0 requested with the recommended max_wal_size")
PY
"$walsim" advise "$tmp/a.conf" --set max_wal_size=5GB_ >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: a bad --set exited $rc, expected 2"; exit 1; }
"$walsim" advise "$tmp/a.conf" --variant nope >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: an unknown variant exited $rc, expected 2"; exit 1; }
echo "advise: all checks passed"
