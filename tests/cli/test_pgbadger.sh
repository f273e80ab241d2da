#!/usr/bin/env bash
# pgBadger, the usual PostgreSQL log analyser, must read walsim's
# checkpoint log: the checkpoints, buffers and warnings it counts must be
# the ones walsim reports in summary.json.  Installs pgbadger from Debian
# when run as root; skips (77) where it cannot.
# Usage: test_pgbadger.sh WALSIM SOURCE_DIR
set -u
walsim=$1
if ! command -v pgbadger >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbadger >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbadger >/dev/null 2>&1; }
fi
command -v pgbadger >/dev/null 2>&1 || { echo "SKIP: pgbadger is not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A small pgbench-like scenario with WAL-triggered checkpoints and warnings.
cat > "$tmp/s.conf" <<'CONF'
[scenario]
duration = 3min
warmup = 0
pg_version = 15
[workload]
profile = pgbench
scale = 20
clients = 8
[postgres]
shared_buffers = 256MB
max_wal_size = 256MB
checkpoint_timeout = 1min
CONF
"$walsim" run "$tmp/s.conf" --quiet --out "$tmp/out" || { echo "FAIL: walsim run"; exit 1; }
pgbadger -q --pid-dir "$tmp" -f stderr --prefix '%m [%p] ' -x json -o "$tmp/badger.json" "$tmp/out/checkpoints-base.log" ||
  { echo "FAIL: pgbadger could not read the log"; exit 1; }
python3 - "$tmp/badger.json" "$tmp/out/summary.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["checkpoint_info"]
s = json.load(open(sys.argv[2]))["variants"]["base"]
starts = b.get("starting", {})
checks = [
    ("WAL-requested checkpoints", starts.get("wal", 0), s["checkpoints"]["requested"]),
    ("timed checkpoints", starts.get("time", 0), s["checkpoints"]["timed"]),
    # pgBadger sums "wrote N buffers" of completed checkpoints only
    ("buffers written by completed checkpoints", b["wbuffer"],
     round(s["checkpoints"]["buffers_mean"] * s["checkpoints"]["completed"])),
    ("checkpoint warnings", b.get("warning", 0), s["checkpoints"]["warnings"]),
]
fails = 0
for name, badger, walsim in checks:
    if badger != walsim:
        print(f"FAIL: {name}: pgbadger {badger}, walsim {walsim}")
        fails += 1
if s["checkpoints"]["requested"] + s["checkpoints"]["timed"] == 0:
    print("FAIL: the scenario made no checkpoint"); fails += 1
print(f"{len(checks) - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
