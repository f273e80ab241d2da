#!/usr/bin/env bash
# The bad-input suite: every file tests/badinput/*.conf is one class of
# error, with its expected exit code and message in header comments:
#
#   # expect-exit: 2
#   # expect-message: NAME.conf:LINE: KEY: ...   (a fragment of the one line)
#   # env: VAR=VALUE                             (optional, e.g. WALSIM_MEMORY_LIMIT)
#
# Each file goes through `walsim lint` and `walsim run --out DIR`: the exit
# code, the message with FILE:LINE, one line on stderr, nothing on stdout
# from run, and nothing written (no DIR, nothing else beside it).  Every
# error is found at load, before anything is simulated, so this is fast;
# a timeout catches a case that would start simulating or hang.
# Usage: test_badinput.sh WALSIM SOURCE_DIR
set -u
walsim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: the suite runs in tests/badinput
src=$2
dir="$src/tests/badinput"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0 files=0

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

header() { sed -n "s/^# $1: //p" "$2" | head -1; }

cd "$dir" || { echo "no $dir"; exit 1; }
for f in *.conf; do
  files=$((files + 1))
  want_rc=$(header expect-exit "$f")
  want_msg=$(header expect-message "$f")
  envset=$(header env "$f")
  if [ -z "$want_rc" ] || [ -z "$want_msg" ]; then
    bad "$f: no '# expect-exit:' or '# expect-message:' header"
    continue
  fi
  case "$want_msg" in
    "$f":[0-9]*|*/*.conf:[0-9]*) ;;
    *) bad "$f: the expected message does not start with FILE:LINE" ;;
  esac
  for cmd in lint run; do
    out="$tmp/out-${f%.conf}-$cmd"
    before=$(ls -A "$tmp" | wc -l)
    if [ "$cmd" = run ]; then args=(run "$f" --out "$out"); else args=(lint "$f"); fi
    env $envset timeout 20 "$walsim" "${args[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    msg=$(cat "$tmp/stderr")
    if [ "$rc" != "$want_rc" ]; then
      bad "$f: walsim $cmd exited $rc, expected $want_rc: $msg"
      continue
    fi
    case "$msg" in
      *"$want_msg"*) ok ;;
      *) bad "$f: walsim $cmd: stderr lacks '$want_msg': $msg" ;;
    esac
    [ "$(grep -c '' "$tmp/stderr")" -ge 1 ] && ok || bad "$f: walsim $cmd printed no message"
    if [ "$cmd" = run ]; then
      [ ! -s "$tmp/stdout" ] && ok || bad "$f: walsim run printed on stdout: $(head -c 200 "$tmp/stdout")"
    fi
    [ ! -e "$out" ] && ok || bad "$f: walsim $cmd wrote $out"
    rm -f "$tmp/stdout" "$tmp/stderr"
    after=$(ls -A "$tmp" | wc -l)
    [ "$after" -le "$before" ] && ok || bad "$f: walsim $cmd left files beside --out: $(ls -A "$tmp")"
  done
done
[ "$files" -ge 20 ] && ok || bad "only $files files in tests/badinput"

# lint does not build the model: its memory does not depend on the
# database's size (scale 1000000 is 3.6GB of page state in a run).
if [ -x /usr/bin/time ]; then
  printf '[workload]\nprofile = pgbench\nscale = 1000000\n' > "$tmp/huge.conf"
  WALSIM_MEMORY_LIMIT=64TB /usr/bin/time -f '%M' -o "$tmp/rss" "$walsim" lint "$tmp/huge.conf" >/dev/null 2>&1
  rc=$?
  rss=$(tail -1 "$tmp/rss")
  [ "$rc" = 0 ] && ok || bad "lint of scale = 1000000 exited $rc"
  [ "${rss:-999999}" -lt 65536 ] && ok || bad "lint of scale = 1000000 took ${rss} kB (expected < 64MB)"
fi
echo "test_badinput: $files files, $passes checks passed, $fails failed"
[ "$fails" -eq 0 ]
