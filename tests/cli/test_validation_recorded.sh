#!/usr/bin/env bash
# The model against real PostgreSQL 15 runs recorded on a VM of the shared
# dataset's class with WAL-requested checkpoints (tests/validation/data/
# pg15-s100: max_wal_size 64MB, a checkpoint every 1.8 s, and 256MB, one
# every 7 s), described by tests/validation/pg15-pgbench-A.conf with only
# PostgreSQL settings changed (validate-recorded.sh).  Figures that meet
# the validation issue's goal must keep meeting it; the ones the model
# misses today (docs/validation.md, "WAL-requested checkpoints") are held
# to their present error, so they cannot get worse unnoticed, and are
# printed as "known".
# Usage: test_validation_recorded.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
command -v xz >/dev/null 2>&1 || { echo "SKIP: xz is needed to read the pgbench logs"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$src/tests/validation/validate-recorded.sh" "$walsim" "$src/tests/validation/data/pg15-s100" \
  "$tmp/v" mws64 mws256 >"$tmp/out" 2>&1
grep -q "gzip\|zlib" "$tmp/out" && { echo "SKIP: built without zlib"; exit 77; }
python3 - "$tmp/v" <<'PY'
import json, sys
# present errors (relative) of the figures that miss their goal, plus margin
known = {
    "mws64": {"checkpoints_req": 0.12, "buffers_per_checkpoint": 0.15, "mean_latency_sync_ms": 0.45},
    "mws256": {"buffers_per_checkpoint": 0.22},
}
# goals of the validation issue that walsim validate's table leaves without
# one: p50 within 10 %, mean latency in the sync phases within 25 %
extra = {"p50_latency_ms": 0.10, "mean_latency_sync_ms": 0.25}
fails = 0
for run in ("mws64", "mws256"):
    try:
        rows = {r["name"]: r for r in json.load(open(f"{sys.argv[1]}/{run}/validation.json"))["rows"]}
    except OSError:
        print(f"FAIL {run}: no validation.json"); fails += 1; continue
    for name in ("checkpoints_req", "wal_bytes_per_tx", "fpi_share", "tps", "p99_latency_ms"):
        if name not in rows:
            print(f"FAIL {run}: no row {name}"); fails += 1
    for name, r in rows.items():
        if r["measured"] is None or r["simulated"] is None:
            continue
        if name in extra:
            r = dict(r, goal="relative", tolerance=extra[name])
        if r["goal"] not in ("exact", "relative"):
            continue
        if name in known[run]:
            err = abs(r["rel_error"]) if r["measured"] else 0
            ok, tag = err <= known[run][name], "known"
        elif r["goal"] == "exact":
            ok, tag = r["measured"] == r["simulated"], "goal "
        else:
            ok, tag = abs(r["rel_error"]) <= r["tolerance"], "goal "
        print(f"{'ok  ' if ok else 'FAIL'} {tag} {run} {name}: measured {r['measured']:.6g}, simulated {r['simulated']:.6g}")
        fails += not ok
sys.exit(1 if fails else 0)
PY
rc=$?
[ $rc -eq 0 ] || cat "$tmp/out"
exit $rc
