#!/usr/bin/env bash
# The output folder and its files: --out checked before simulating, the
# folder replaced as a whole, CSV quoting (RFC 4180) read back by walsim
# plot and by Python's csv module, summary.json valid UTF-8 JSON whatever
# the names, distinct per-variant file names, a variant with no completed
# transaction drawn with a note, and the importers' bad-input cases.
# Usage: test_outputs.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_exit() {
  local code=$1 needle=$2; shift 3
  local out rc
  out=$("$walsim" "$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then bad "walsim $* exited $rc, expected $code: $out"; return; fi
  case "$out" in *"$needle"*) ok ;; *) bad "walsim $*: output lacks '$needle': $out" ;; esac
}
short=(--quiet --set duration=10s --variant default)

# --- --out is checked before any simulation (a 1 h run would take seconds)
expect_exit 2 "--out: empty folder name" -- run --out ''
expect_exit 2 "--out: empty folder name" -- sweep --param max_wal_size=1GB,2GB --out ''
expect_exit 2 "--out: empty folder name" -- validate x.conf --pg-log x.log --out ''
expect_exit 2 "--out: empty folder name" -- merge x --out ''
: > "$tmp/file"
expect_exit 2 "file: exists and is not a folder" -- run --set duration=1h --out "$tmp/file"
expect_exit 2 "cannot create the folder" -- run --set duration=1h --out "$tmp/file/sub"
mkdir "$tmp/mine" && echo notes > "$tmp/mine/notes.txt"
expect_exit 2 "not a walsim output folder" -- run --set duration=1h --out "$tmp/mine"
[ "$(cat "$tmp/mine/notes.txt")" = notes ] && ok || bad "a foreign folder was touched"
if [ "$(id -u)" != 0 ]; then
  mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
  expect_exit 2 "cannot write in" -- run --set duration=1h --out "$tmp/ro/out"
fi

# --- a run: the folder appears whole; beside it only the lock file
expect_exit 0 "" -- run "${short[@]}" --out "$tmp/p/q/run"
[ -s "$tmp/p/q/run/summary.json" ] && [ -s "$tmp/p/q/run/latency.png" ] && ok || bad "run wrote no folder"
[ "$(ls -A "$tmp/p/q")" = "$(printf '.run.walsim-lock\nrun')" ] && ok || bad "beside the folder: $(ls -A "$tmp/p/q")"
ls -A "$tmp/p/q/run" | grep -q '^\.' && bad "temporary file left in the folder" || ok
# a second run replaces it as a whole: a file added by hand is gone
echo extra > "$tmp/p/q/run/extra.txt"
expect_exit 0 "" -- run "${short[@]}" --out "$tmp/p/q/run/"
[ ! -e "$tmp/p/q/run/extra.txt" ] && [ -s "$tmp/p/q/run/summary.json" ] && ok || bad "the folder was not replaced whole"

# --- names that need quoting, clash as file names, or complete nothing
cat > "$tmp/names.conf" <<'EOF'
[scenario]
duration = 10s
[workload]
scale = 10
clients = 4
[variant 'a,b']
[variant 'say "hi"']
max_wal_size = 2GB
[variant 'x/y']
[variant 'x_y']
[variant idle]
rate = 0.001/s
EOF
out=$("$walsim" run "$tmp/names.conf" --quiet --out "$tmp/names" 2>&1); rc=$?
if [ "$rc" = 2 ]; then
  # a scenario reader that refuses such names must say where
  case "$out" in *"names.conf:"*) ok ;; *) bad "names refused without FILE:LINE: $out" ;; esac
elif [ "$rc" = 0 ]; then
  ok
  grep -q '^"a,b",' "$tmp/names/latency_cdf.csv" && ok || bad "'a,b' not quoted in latency_cdf.csv"
  grep -q '^"say ""hi""",' "$tmp/names/timeline.csv" && ok || bad "'say \"hi\"' not quoted in timeline.csv"
  [ -e "$tmp/names/pg_stat-x_y.csv" ] && [ -e "$tmp/names/pg_stat-x_y~4.csv" ] && ok \
    || bad "x/y and x_y: $(ls "$tmp/names" | grep pg_stat)"
  [ -s "$tmp/names/latency_cdf.png" ] && ok || bad "no CDF chart with an idle variant"
  # walsim's reader reads its quoting back: plot draws the same folder again
  expect_exit 0 "" -- plot "$tmp/names"
  if command -v python3 >/dev/null 2>&1; then
    py=$(python3 - "$tmp/names" <<'EOF'
import csv, json, sys
d = sys.argv[1]
names = set(json.load(open(d + "/summary.json", encoding="utf-8"))["variants"])
for f in ("timeline.csv", "checkpoints.csv", "latency_cdf.csv"):
    rows = list(csv.DictReader(open(d + "/" + f, newline="", encoding="utf-8")))
    seen = {r["variant"] for r in rows}
    if not seen <= names:
        print(f, "has", seen - names)
print("ok" if {"a,b", 'say "hi"'} <= names else names)
EOF
)
    [ "$py" = ok ] && ok || bad "python reads back: $py"
  fi
else
  bad "run with quoted names exited $rc: $out"
fi

# the I/O counts: the last two columns of timeline.csv, per second; a
# folder of an older walsim (without them) still plots
if [ "$rc" = 0 ]; then
  head -1 "$tmp/names/timeline.csv" | grep -q ',in_window,dev_read_iops,dev_write_iops$' && ok ||
    bad "timeline.csv header does not end with the I/O counts: $(head -1 "$tmp/names/timeline.csv")"
  mkdir "$tmp/old"
  cp "$tmp/names/summary.json" "$tmp/names/checkpoints.csv" "$tmp/names/latency_cdf.csv" "$tmp/old/"
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/names/timeline.csv" "$tmp/old/timeline.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(r[:-2] for r in rows)
EOF
    expect_exit 0 "" -- plot "$tmp/old"
    [ -s "$tmp/old/device.png" ] && ok || bad "no device.png for a timeline.csv without I/O counts"
  fi
fi

# invalid UTF-8 in a name: refused at its line, or written as valid JSON
printf "[scenario]\nduration = 10s\n[workload]\nscale = 10\nclients = 4\n[variant 'caf\xe9']\n" > "$tmp/latin1.conf"
out=$("$walsim" run "$tmp/latin1.conf" --quiet --out "$tmp/latin1" 2>&1); rc=$?
if [ "$rc" = 2 ]; then
  case "$out" in *"latin1.conf:6"*) ok ;; *) bad "invalid UTF-8 refused without FILE:LINE: $out" ;; esac
elif [ "$rc" = 0 ] && command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' \
    "$tmp/latin1/summary.json" && ok || bad "summary.json is not valid UTF-8 JSON"
else
  [ "$rc" = 0 ] && ok || bad "invalid UTF-8 name: exit $rc: $out"
fi

# two names the outputs cannot tell apart (they keep 63 bytes of a name)
long=$(printf 'v%.0s' $(seq 70))
printf "[scenario]\nduration = 10s\n[workload]\nscale = 10\nclients = 4\n[variant ${long}1]\n[variant ${long}2]\n" > "$tmp/long.conf"
out=$("$walsim" run "$tmp/long.conf" --quiet --out "$tmp/long" 2>&1); rc=$?
[ "$rc" = 2 ] && [ ! -e "$tmp/long" ] && ok || bad "two long names: exit $rc: $out"

# --- importers: bad files are bad input (exit 2) naming the file
cat > "$tmp/t.conf" <<'EOF'
[scenario]
duration = 20s
pg_version = 15
[workload]
scale = 10
clients = 2
EOF
d=$src/tests/validation/data/timed-30s
: > "$tmp/empty.log"
expect_exit 2 "empty.log: empty; expected a PostgreSQL server log" -- validate "$tmp/t.conf" --pg-log "$tmp/empty.log" --out "$tmp/v"
head -c 2000 "$walsim" > "$tmp/binary.log"
expect_exit 2 "binary.log:1: binary data" -- validate "$tmp/t.conf" --pg-log "$tmp/binary.log" --out "$tmp/v"
stats=("$d/bgwriter_before.csv" "$d/wal_before.csv" "$d/bgwriter_after.csv")
head -c $(( $(wc -c < "$d/wal_after.csv") - 5 )) "$d/wal_after.csv" > "$tmp/cut.csv"
expect_exit 2 "cut.csv:2: truncated line" -- validate "$tmp/t.conf" --pg-log "$d/server.log" --stats "${stats[@]}" "$tmp/cut.csv" --out "$tmp/v"
head -1 "$d/wal_after.csv" > "$tmp/header.csv"
expect_exit 2 "header.csv: a header and no row" -- validate "$tmp/t.conf" --pg-log "$d/server.log" --stats "${stats[@]}" "$tmp/header.csv" --out "$tmp/v"
head -c 30 "$d/wal_after.csv" > "$tmp/hcut.csv"
expect_exit 2 "hcut.csv:1: the header has no line end" -- validate "$tmp/t.conf" --pg-log "$d/server.log" --stats "${stats[@]}" "$tmp/hcut.csv" --out "$tmp/v"
[ ! -e "$tmp/v" ] && ok || bad "a validate with bad input wrote its folder"

echo "test_outputs: $passes passed, $fails failed"
[ "$fails" = 0 ]
