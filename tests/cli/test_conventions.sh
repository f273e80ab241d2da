#!/usr/bin/env bash
# GNU conventions of the command line (issue 17): --opt=VALUE as well as
# --opt VALUE, -- ends the options, -h/--help in every command, the short
# options -o/-j/-q, and --version with version, git revision and the
# PostgreSQL versions of the model.  Usage: test_conventions.sh WALSIM SOURCE_DIR
set -u
walsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect CODE NEEDLE ARGS...: exit code and a piece of stdout+stderr.
expect() {
  local code=$1 needle=$2; shift 2
  local out rc
  out=$("$walsim" "$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then bad "walsim $* exited $rc, expected $code: $out"; return; fi
  case "$out" in *"$needle"*) ok ;; *) bad "walsim $*: output lacks '$needle': $out" ;; esac
}

# --version: three lines.
out=$("$walsim" --version)
echo "$out" | sed -n 1p | grep -Eq '^walsim [0-9]+\.[0-9]+\.[0-9]+$' && ok || bad "version line: $out"
echo "$out" | sed -n 2p | grep -Eq '^git revision: ([0-9a-f]{7,40}|unknown)$' && ok || bad "revision line: $out"
echo "$out" | sed -n 3p | grep -q '^models PostgreSQL 13, 14, 15, 16 and 17 ' && ok || bad "PostgreSQL line: $out"
[ "$("$walsim" -V)" = "$out" ] && ok || bad "-V differs from --version"

# -h and --help in every command the main help lists, anywhere before --.
for c in $("$walsim" --help | sed -n 's/^  walsim \([a-z][a-z]*\).*/\1/p' | grep -v '^help$' | sort -u); do
  expect 0 "Usage: walsim $c" "$c" -h
  expect 0 "Usage: walsim $c" "$c" --help
  expect 0 "Usage: walsim $c" "$c" some-file.conf --help
  [ "$("$walsim" "$c" --help)" = "$("$walsim" help "$c")" ] && ok || bad "$c --help differs from help $c"
done

small=$tmp/small.conf
printf '[scenario]\nduration = 20s\nwarmup = 5s\n[workload]\nprofile = pgbench\nscale = 5\nclients = 2\n[postgres]\nshared_buffers = 128MB\n[variant a]\n[variant b]\nmax_wal_size = 2GB\n' > "$small"

# --opt=VALUE and --opt VALUE give the same run.
"$walsim" run "$small" --out="$tmp/eq" --set=seed=5 --variant=b --quiet && ok || bad "run with --opt=VALUE"
"$walsim" run "$small" --out "$tmp/sp" --set seed=5 --variant b --quiet && ok || bad "run with --opt VALUE"
cmp -s "$tmp/eq/summary.json" "$tmp/sp/summary.json" && ok || bad "--opt=VALUE and --opt VALUE differ"
grep -q '"a"' "$tmp/eq/summary.json" && bad "--variant=b ran variant a too" || ok
# A value that itself holds '=' or starts with '-' is kept whole.
expect 0 "1min" lint "$small" --set=duration=1min --changed
expect 2 "-5" lint "$small" --set seed=-5
# A flag takes no value.
expect 2 "option '--quiet' takes no value" run "$small" --quiet=yes
# Short options: -o DIR, -oDIR, -q; -j N, -jN (through --jobs' own check).
"$walsim" run "$small" -o "$tmp/short" -q --variant a && [ -f "$tmp/short/summary.json" ] && ok ||
  bad "run -o DIR -q"
"$walsim" run "$small" -o"$tmp/short2" -q --variant a && [ -f "$tmp/short2/summary.json" ] && ok ||
  bad "run -oDIR"
expect 2 "--jobs 0" advise "$small" -j 0
expect 2 "--jobs 0" advise "$small" -j0
expect 2 "unknown option '-x'" run "$small" -x

# -- ends the options: a file named like an option.
cp "$small" "$tmp/-odd.conf"
(cd "$tmp" && "$walsim" lint -- -odd.conf >/dev/null) && ok || bad "lint -- -odd.conf"
(cd "$tmp" && "$walsim" run --quiet --variant a --out "$tmp/dd" -- -odd.conf) && ok ||
  bad "run ... -- -odd.conf"
expect 2 "unknown option '--quiet'" lint --quiet
(cd "$tmp" && "$walsim" lint -- --help 2>&1) | grep -q "cannot open" && ok ||
  bad "after --, --help is a file name"
# Each command's options are in its help, so the man page lists them too.
expect 0 "--opt=VALUE" --help

echo "test_conventions: $passes passed, $fails failed"
[ $fails = 0 ]
