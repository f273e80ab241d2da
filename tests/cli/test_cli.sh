#!/usr/bin/env bash
# CLI behaviour: exit codes, error messages for broken scenario files, no
# output left behind by a failed run, byte-identical output for the same
# seed.  Usage: test_cli.sh WALSIM SOURCE_DIR
set -u
walsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_exit CODE NEEDLE -- ARGS...: runs walsim, checks exit code and that
# stderr+stdout contain NEEDLE.
expect_exit() {
  local code=$1 needle=$2; shift 3
  local out rc
  out=$("$walsim" "$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then bad "walsim $* exited $rc, expected $code: $out"; return; fi
  case "$out" in *"$needle"*) ok ;; *) bad "walsim $*: output lacks '$needle': $out" ;; esac
}

expect_exit 0 "walsim " -- --version
expect_exit 0 "Exit codes" -- --help
expect_exit 0 "--variant NAME" -- help run
expect_exit 0 "### [postgres]" -- help keys
expect_exit 2 "unknown command 'frobnicate'" -- frobnicate
expect_exit 2 "unknown option '--bogus'" -- run --bogus
expect_exit 2 "--out needs a value" -- run --out
expect_exit 2 "'gif' is not a chart format" -- run --format png,gif
expect_exit 2 "cannot open" -- run "$tmp/does-not-exist.conf"

# Broken scenario files: file, line, key and expectation in the message.
printf '[scenario]\nduration = 1min\n[postgres]\ncheckpoint_timeout = 10s\n' > "$tmp/range.conf"
expect_exit 2 "range.conf:4: checkpoint_timeout: 10s is below the minimum 30s" -- run "$tmp/range.conf" --out "$tmp/out-range"
[ ! -e "$tmp/out-range" ] && ok || bad "a failed run created its output folder"

printf '[postgres]\nmax_wal_sise = 1GB\n' > "$tmp/typo.conf"
expect_exit 2 "typo.conf:2: max_wal_sise: unknown key in [postgres]; did you mean max_wal_size?" -- lint "$tmp/typo.conf"

printf "[scenario]\nname = 'unterminated\n" > "$tmp/quote.conf"
expect_exit 2 "quote.conf:2:" -- lint "$tmp/quote.conf"

printf '[scenaro]\n' > "$tmp/section.conf"
expect_exit 2 "section.conf:1:" -- lint "$tmp/section.conf"

printf '[postgres]\nshared_buffers = 1gb\n' > "$tmp/case.conf"
expect_exit 2 "case.conf:2: shared_buffers:" -- lint "$tmp/case.conf"

printf "[table a]\nsize = 1GB\n[transaction t]\nwrites = 'b:1'\n" > "$tmp/model.conf"
expect_exit 2 "model.conf:4: writes: there is no [table b] ([transaction t])" -- lint "$tmp/model.conf"
expect_exit 2 "model.conf:4: writes: there is no [table b]" -- run "$tmp/model.conf" --out "$tmp/out-model"
[ ! -e "$tmp/out-model" ] && ok || bad "a run with a model error created its output folder"
printf "[workload]\nrate = 10/s\nphases = '5min=2, 1min=1'\n" > "$tmp/phases.conf"
expect_exit 2 "phases.conf:3: phases: '1min=1': times must not decrease" -- lint "$tmp/phases.conf"

expect_exit 2 "--set checkpoint_timeout=1s: 1s is below the minimum 30s" -- run --set checkpoint_timeout=1s --out "$tmp/x"
expect_exit 2 "no such variant" -- run --variant nosuch --out "$tmp/x"

# lint shows values with units and their sources.
expect_exit 0 "postgres.max_wal_size" -- lint "$src/scenarios/checkpoint-smoothing.conf"
out=$("$walsim" lint "$src/scenarios/checkpoint-smoothing.conf" 2>&1)
case "$out" in *"50GB"*"variant optimized ("*"checkpoint-smoothing.conf:"*) ok ;; *) bad "lint lacks provenance: $out" ;; esac

# A real postgresql.conf (from the PostgreSQL on this machine, if any) loads via include.
sample=$(ls /usr/share/postgresql/*/postgresql.conf.sample 2>/dev/null | head -1)
if [ -n "$sample" ]; then
  cp "$sample" "$tmp/postgresql.conf"
  printf "[scenario]\npg_version = 15\n[postgres]\ninclude 'postgresql.conf'\n" > "$tmp/inc.conf"
  expect_exit 0 "variant" -- lint "$tmp/inc.conf"
fi

# Runs: short, deterministic, byte-identical.
expect_exit 0 "summary.json" -- run --set duration=20s --out "$tmp/r1"
"$walsim" run --quiet --set duration=20s --out "$tmp/r2" >/dev/null 2>&1
if cmp -s "$tmp/r1/summary.json" "$tmp/r2/summary.json"; then ok; else bad "two runs differ"; fi
grep -q '"schema_version": 2' "$tmp/r1/summary.json" && ok || bad "no schema_version"
ls -A "$tmp/r1" | grep -q '^\.' && bad "temporary file left in output" || ok
out=$("$walsim" run --quiet --set duration=20s --out "$tmp/r3" 2>&1)
[ -z "$out" ] && ok || bad "--quiet printed: $out"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
