#!/usr/bin/env bash
# The model against a real PostgreSQL 15 run: run A of
# shared/validation/pg15-pgbench, committed in tests/validation/pg15-A/
# (server log, statistics snapshots, pg_waldump --stats, and the
# per-transaction pgbench log split by client), described by
# tests/validation/pg15-pgbench-A.conf.  Every figure with a goal of the
# validation issue must stay within it, except the ones the model is known
# to miss (docs/validation.md): buffers written per checkpoint and, just
# outside its goal, p99 latency, held to their present error so that they
# cannot get worse unnoticed.
# Usage: test_validation_pg15.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
d=$src/tests/validation/pg15-A
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$walsim" validate "$src/tests/validation/pg15-pgbench-A.conf" --pg-log "$d/server.log" \
  --pgbench-log "$d"/txlog.*.gz --stats "$d"/bgwriter_before.csv "$d"/wal_before.csv \
  "$d"/bgwriter_after.csv "$d"/wal_after.csv --waldump-stats "$d/waldump_stats.txt" \
  --out "$tmp/v" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qi "gzip\|zlib" "$tmp/err"; then
  echo "SKIP: this walsim was built without zlib: $(cat "$tmp/err")"; exit 77
fi
cat "$tmp/err"
[ $rc -le 1 ] || { echo "FAIL: walsim validate exited $rc"; exit 1; }
python3 - "$tmp/v/validation.json" <<'PY'
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))["rows"]}
# documented gap (docs/validation.md): buffers per checkpoint, -21 % today
# (-38 % before the whole-second checkpoint clock, -28 % before cpu_usable)
known = {"buffers_per_checkpoint": 0.25}
fails = 0
# goals of the validation issue that walsim validate's table leaves without
# one: p50 within 10 %, mean latency in the sync phases within 25 % (+74 %
# before the device capped fsync writeback at blk-wbt's 16 requests)
for name, tol in (("p50_latency_ms", 0.10), ("mean_latency_sync_ms", 0.25)):
    r = rows.get(name)
    if r is None or not r["measured"] or abs(r["simulated"] / r["measured"] - 1) > tol:
        print(f"FAIL {name}: {r}"); fails += 1
    else:
        print(f"ok   {name}: measured {r['measured']:.4g}, simulated {r['simulated']:.4g}")
for name, r in rows.items():
    if r["goal"] == "exact":
        ok = r["measured"] == r["simulated"]
    elif r["goal"] == "relative":
        tol = known.get(name, r["tolerance"])
        ok = abs(r["rel_error"]) <= tol
    else:
        continue
    print(f"{'ok  ' if ok else 'FAIL'} {name}: measured {r['measured']:.6g}, simulated {r['simulated']:.6g}")
    fails += not ok
for name in ["checkpoints_timed", "checkpoint_write_s", "wal_bytes_per_tx", "fpi_share", "tps", "p99_latency_ms"]:
    if name not in rows:
        print(f"FAIL: no row {name}"); fails += 1
sys.exit(1 if fails else 0)
PY
