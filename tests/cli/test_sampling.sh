#!/usr/bin/env bash
# Page sampling ([scenario] sampling, issue 20) as a user meets it: a
# sampled run says so everywhere its figures go - the run's window line on
# stdout, summary.json, the report's assumptions, every chart's subtitle
# (read from the SVG's <text>) - and warns when the sample is below what
# auto keeps, or when the run is overloaded; an R that cannot work is an
# input error at its FILE:LINE.
# Usage: test_sampling.sh WALSIM SOURCE_DIR
set -u
walsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/s.conf" <<'CONF'
[scenario]
name = 'sampled'
duration = 3min
warmup = 30s
sampling = 0.1
[workload]
rate = 300/s
[table big]
size = 2GB
[table small]
size = 1MB
[transaction x]
reads = 'big:1'
writes = 'big:1, small:1'
cpu = 100us
[postgres]
shared_buffers = 1GB
checkpoint_timeout = 1min
[os]
ram = 8GB
CONF

"$walsim" run "$tmp/s.conf" --format svg --out "$tmp/out" >"$tmp/stdout" 2>&1 || {
  cat "$tmp/stdout"; fail "the sampled run failed"; }
grep -q "pages sampled 1 in 10" "$tmp/stdout" || fail "stdout's window line lacks 'pages sampled 1 in 10'"
# 131,072 buffers / 10 = 13,107 < 32,768: the warning
grep -q "WARNING base: sampling = 0.1 keeps 13107 sampled buffers (under 32768)" "$tmp/stdout" ||
  fail "no warning for a sample below auto's margins"
python3 - "$tmp/out/summary.json" <<'PY' || fail "summary.json's sampling"
import json, sys
v = json.load(open(sys.argv[1]))["variants"]["base"]
s = v["sampling"]
assert abs(s["rate"] - 0.1) < 1e-12, s
assert s["sampled_tables"] == "big" and s["whole_tables"] == "small", s
assert any("sampling = 0.1" in w for w in v["warnings"]), v["warnings"]
PY
grep -q "1 page in 10 of big simulated" "$tmp/out/report.md" || fail "report.md's assumptions lack the sampling"
grep -q "every page of small" "$tmp/out/report.md" || fail "report.md does not name the whole table"
grep -q "sampled (pages sampled, 1 in 10)</text>" "$tmp/out/latency.svg" ||
  fail "latency.svg's subtitle does not say the pages were sampled"

# overloaded and sampled: the OVERLOADED warning says the window's figures
# change with the seed (an exact run's as much as a sampled one's:
# docs/experiments.md, section 4), and nothing sends the user to an exact
# run for better ones
sed -e 's/^cpu = 100us$/cpu = 20ms/' -e 's/^duration = 3min$/duration = 1min/' \
  -e 's/^warmup = 30s$/warmup = 10s/' -e 's/^ram = 8GB$/ram = 8GB\ncpus = 2/' "$tmp/s.conf" >"$tmp/over.conf"
"$walsim" run "$tmp/over.conf" --out "$tmp/over" >"$tmp/stdout4" 2>&1 || { cat "$tmp/stdout4"; fail "the overloaded run failed"; }
grep -q "OVERLOADED: .*tps, WAL/tx and latencies change with the seed" "$tmp/stdout4" ||
  { cat "$tmp/stdout4"; fail "6 cores asked of 2: no OVERLOADED warning that its figures change with the seed"; }
grep -q "sampling = 1" "$tmp/stdout4" && { cat "$tmp/stdout4"; fail "an overloaded sampled run asks for sampling = 1"; }

# exact runs say nothing of it
sed 's/^sampling = 0.1$/sampling = 1/' "$tmp/s.conf" >"$tmp/e.conf"
"$walsim" run "$tmp/e.conf" --format svg --out "$tmp/exact" >"$tmp/stdout2" 2>&1 || fail "the exact run failed"
grep -q "pages sampled" "$tmp/stdout2" "$tmp/exact/latency.svg" && fail "an exact run claims sampling"
grep -q "none: every page simulated" "$tmp/exact/report.md" || fail "report.md of an exact run"

# an impossible R: FILE:LINE, exit 2, nothing written
sed 's/^sampling = 0.1$/sampling = 0.0001/' "$tmp/s.conf" >"$tmp/bad.conf"
"$walsim" run "$tmp/bad.conf" --out "$tmp/bad" >"$tmp/stdout3" 2>&1
rc=$?
[ $rc = 2 ] || fail "sampling = 0.0001: exit $rc, expected 2"
grep -q "bad.conf:5: sampling: 0.0001 leaves 13 of shared_buffers' 131072 buffers" "$tmp/stdout3" ||
  { cat "$tmp/stdout3"; fail "sampling = 0.0001: message"; }
[ ! -e "$tmp/bad" ] || fail "a refused run wrote its folder"
echo "test_sampling: ok"
