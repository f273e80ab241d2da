#!/usr/bin/env bash
# Transaction sampling ([scenario] tx_sampling, issue 20) as a user meets
# it: a sampled run says so where its figures go - the window line on
# stdout, summary.json, the report's assumptions, every chart's subtitle
# (read from the SVG's <text>) - and counts every transaction, not only
# the simulated ones; a closed loop or the fcfs scheduler is an input
# error at the key's FILE:LINE, and nothing is written.
# Usage: test_txsampling.sh WALSIM SOURCE_DIR
set -u
walsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/s.conf" <<'CONF'
[scenario]
name = 'tx sampled'
duration = 3min
warmup = 30s
tx_sampling = 0.1
[workload]
rate = 2000/s
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
grep -q "transactions sampled 1 in 10" "$tmp/stdout" || fail "stdout's window line lacks 'transactions sampled 1 in 10'"
# its max is the largest of the simulated transactions', not the system's
grep -q "transactions sampled 1 in 10 (latencies and max: of those simulated)" "$tmp/stdout" ||
  fail "stdout's window line does not say the latencies and max are the simulated transactions'"
python3 - "$tmp/out/summary.json" <<'PY' || fail "summary.json's transaction sampling"
import json, sys
v = json.load(open(sys.argv[1]))["variants"]["base"]
assert abs(v["sampling"]["transactions_rate"] - 0.1) < 1e-12, v["sampling"]
# every transaction is counted: 2,000/s over the window, within 2 %
assert abs(v["tps"] / 2000 - 1) < 0.02, v["tps"]
assert abs(v["transactions"] / (2000 * v["duration_s"]) - 1) < 0.02, v["transactions"]
# latency is measured on the simulated tenth
n = v["latency_ms"]["count"]
assert abs(n * 10 / v["transactions"] - 1) < 0.05, (n, v["transactions"])
PY
grep -q "1 transaction in 10 simulated one by one" "$tmp/out/report.md" ||
  fail "report.md's assumptions lack the transaction sampling"
grep -q "percentiles and the max are those of the simulated ones" "$tmp/out/report.md" ||
  fail "report.md's assumptions do not say whose max it is"
grep -q "p99 came within 4.3 % where auto samples" "$tmp/out/report.md" ||
  fail "report.md's assumptions do not say how far p99 may be"
grep -q "tx sampled (transactions sampled, 1 in 10)</text>" "$tmp/out/latency.svg" ||
  fail "latency.svg's subtitle does not say the transactions were sampled"
grep -q "max (of the 1 in 10 simulated)</text>" "$tmp/out/latency.svg" ||
  fail "latency.svg's legend does not say whose max it is"

# at a resource's limit the fluid transactions do not queue: the run says so
sed -e 's/^cpu = 100us$/cpu = 3ms/' -e 's/^duration = 3min$/duration = 1min/' -e 's/^warmup = 30s$/warmup = 10s/' \
  "$tmp/s.conf" | cat - <(printf '[os]\ncpus = 4\n') >"$tmp/over.conf"
"$walsim" run "$tmp/over.conf" --out "$tmp/over" >"$tmp/stdout4" 2>&1 || { cat "$tmp/stdout4"; fail "the overloaded run failed"; }
# (2,000 x 3 ms/s on 4 cores: 6 cores wanted; the sampled run need not see
# the overload itself, as the fluid CPU load is a mean that does not grow)
grep -q "bottleneck\|CPU: 9[5-9]%\|CPU: 100%" "$tmp/over/summary.json" || fail "no CPU bottleneck named"
grep -q "tx_sampling = 0.1 at a resource's limit: the transactions not simulated one by one do not queue" "$tmp/stdout4" ||
  { cat "$tmp/stdout4"; fail "no warning that tx_sampling misleads at a resource's limit"; }
grep -q "do not queue" "$tmp/over/report.md" || fail "report.md lacks the tx_sampling overload warning"

# auto: 1 in 10 at 6,000 tx/s (600 simulated a second), none at 2,000
sed -e 's/^tx_sampling = 0.1$/tx_sampling = auto/' -e 's|^rate = 2000/s$|rate = 6000/s|' \
  -e 's/^duration = 3min$/duration = 40s/' -e 's/^warmup = 30s$/warmup = 10s/' "$tmp/s.conf" >"$tmp/auto.conf"
"$walsim" run "$tmp/auto.conf" --out "$tmp/auto" >"$tmp/stdout5" 2>&1 || { cat "$tmp/stdout5"; fail "auto at 6000/s failed"; }
grep -q "transactions sampled 1 in 10" "$tmp/stdout5" || { cat "$tmp/stdout5"; fail "auto at 6000/s did not pick 0.1"; }
grep -q "1 transaction in 10 simulated one by one (auto)" "$tmp/auto/report.md" || fail "report.md: auto's choice"
sed -e 's|^rate = 6000/s$|rate = 2000/s|' "$tmp/auto.conf" >"$tmp/auto2.conf"
"$walsim" run "$tmp/auto2.conf" --out "$tmp/auto2" >"$tmp/stdout6" 2>&1 || { cat "$tmp/stdout6"; fail "auto at 2000/s failed"; }
grep -q "transactions sampled" "$tmp/stdout6" && fail "auto sampled 2000/s"
grep -q "none: every transaction simulated (auto" "$tmp/auto2/report.md" || fail "report.md: auto's refusal"

# a big system (50,000 tx/s, 64 GB of shared_buffers, 2 TB): auto samples
# pages 1 in 1,000 and, with them, transactions 1 in 1,000 (50 a second)
src=$2
"$walsim" run "$src/tests/bench/big-oltp.conf" --set tx_sampling=auto --set duration=30s --set warmup=10s \
  --no-report --out "$tmp/big" >"$tmp/stdout_big" 2>&1 || { cat "$tmp/stdout_big"; fail "big-oltp at auto failed"; }
grep -q "pages sampled 1 in 1000, transactions sampled 1 in 1000" "$tmp/stdout_big" ||
  { cat "$tmp/stdout_big"; fail "big-oltp at auto: not 1 in 1,000 pages and transactions"; }
# at 1 page in 100 (an R given), transactions stay at auto's 500 a second
"$walsim" run "$src/tests/bench/big-oltp.conf" --set tx_sampling=auto --set sampling=0.01 --set duration=30s \
  --set warmup=10s --no-report --out "$tmp/big2" >"$tmp/stdout_big2" 2>&1 || { cat "$tmp/stdout_big2"; fail "big-oltp at 0.01 failed"; }
grep -q "pages sampled 1 in 100, transactions sampled 1 in 100" "$tmp/stdout_big2" ||
  { cat "$tmp/stdout_big2"; fail "big-oltp at 0.01/auto: not 1 in 100 transactions"; }

# a peak that asks the cores for more than they have, in a window whose
# mean is half of them: named, with its time (the fluid CPU does not queue)
sed -e 's/^cpu = 100us$/cpu = 1ms/' -e 's/^duration = 3min$/duration = 80s/' -e 's/^warmup = 30s$/warmup = 10s/' \
  -e "s|^rate = 2000/s\$|rate = 2000/s\nphases = '0=1, 40s=2.5, 50s=1'|" "$tmp/s.conf" |
  cat - <(printf '[os]\ncpus = 4\n') >"$tmp/peak.conf"
"$walsim" run "$tmp/peak.conf" --out "$tmp/peak" >"$tmp/stdout7" 2>&1 || { cat "$tmp/stdout7"; fail "the peak run failed"; }
grep -q "tx_sampling = 0.1 and the cores asked for 1[0-9][0-9]% of their capacity at 0:00:40" "$tmp/stdout7" ||
  { cat "$tmp/stdout7"; fail "no warning for the CPU peak"; }
grep -q "asked for" "$tmp/stdout" && fail "a steady run at a fifth of the cores got the peak warning"

# exact runs say nothing of it
sed 's/^tx_sampling = 0.1$/tx_sampling = 1/' "$tmp/s.conf" >"$tmp/e.conf"
"$walsim" run "$tmp/e.conf" --format svg --out "$tmp/exact" >"$tmp/stdout2" 2>&1 || fail "the exact run failed"
grep -q "transactions sampled" "$tmp/stdout2" "$tmp/exact/latency.svg" && fail "an exact run claims sampling"
grep -q "simulated)</text>" "$tmp/exact/latency.svg" && fail "an exact run's max is called a sample's"
grep -q "none: every transaction simulated" "$tmp/exact/report.md" || fail "report.md of an exact run"

# a closed loop, the fcfs scheduler, a rate out of range: FILE:LINE, exit 2, nothing written
sed 's|^rate = 2000/s$|clients = 8|' "$tmp/s.conf" >"$tmp/closed.conf"
printf '[os]\ncpu_scheduler = fcfs\n' | cat "$tmp/s.conf" - >"$tmp/fcfs.conf"
sed 's/^tx_sampling = 0.1$/tx_sampling = 2/' "$tmp/s.conf" >"$tmp/range.conf"
for c in "closed:closed.conf:5: tx_sampling: 0.1 needs an open loop" \
         "fcfs:fcfs.conf:5: tx_sampling: 0.1 needs \[os\] cpu_scheduler = ps" \
         "range:range.conf:5: tx_sampling"; do
  name=${c%%:*}
  want=${c#*:}
  "$walsim" run "$tmp/$name.conf" --out "$tmp/$name" >"$tmp/err" 2>&1
  rc=$?
  [ $rc = 2 ] || { cat "$tmp/err"; fail "$name: exit $rc, expected 2"; }
  grep -q "$want" "$tmp/err" || { cat "$tmp/err"; fail "$name: message, expected '$want'"; }
  [ ! -e "$tmp/$name" ] || fail "$name: a refused run wrote its folder"
done
grep -q "tx_sampling: 2 is above the maximum 1" "$tmp/err" || { cat "$tmp/err"; fail "range: no allowed range"; }
printf '[scenario]\nduration = 1min\ntx_sampling = 0.1\n[workload]\nrate = 100/s\n' >"$tmp/notx.conf"
"$walsim" run "$tmp/notx.conf" --out "$tmp/notx" >"$tmp/err" 2>&1
[ $? = 2 ] || { cat "$tmp/err"; fail "tx_sampling without transactions: not exit 2"; }
grep -q "notx.conf:3: tx_sampling: 0.1 needs transactions that touch tables" "$tmp/err" ||
  { cat "$tmp/err"; fail "tx_sampling without transactions: message"; }
[ ! -e "$tmp/notx" ] || fail "notx: a refused run wrote its folder"
sed 's/^tx_sampling = 0.1$/tx_sampling = fast/' "$tmp/s.conf" >"$tmp/word.conf"
"$walsim" run "$tmp/word.conf" --out "$tmp/word" >"$tmp/err" 2>&1
[ $? = 2 ] || fail "tx_sampling = fast: not exit 2"
grep -q "word.conf:5: tx_sampling: 'fast' is not a number; expected a number between 0.0001 and 1, or auto" "$tmp/err" ||
  { cat "$tmp/err"; fail "tx_sampling = fast: message"; }
echo "test_txsampling: ok"
