#!/usr/bin/env bash
# Fault injection: the output folder is one transaction.  A chart that
# cannot be written, kill -9 and SIGINT/SIGTERM while the charts are drawn
# or while simulating, a second writer on the same --out and a full disk
# (a 200 KB tmpfs, only as root where mount works) must leave the previous
# folder exactly as it was, and the next run must leave no staging folder.
# WALSIM_FAULT=fail:NAME / pause:NAME are outset.c's test hooks.
# Usage: test_faults.sh WALSIM SOURCE_DIR
set -u
# Job control: background jobs get SIGINT (without it bash starts them with
# SIGINT ignored, and walsim keeps an ignored signal ignored).
set -m
walsim=$1
tmp=$(mktemp -d)
mnt=
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  for p in $(jobs -p); do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

short=(--quiet --set duration=10s --variant default)
out=$tmp/res

# The folder's state: every file's name and checksum, dot files included.
state() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs md5sum); }
no_staging() {
  local left
  left=$(ls -A "$tmp" | grep -E '\.walsim-(stage|old)\.' || true)
  [ -z "$left" ] && ok || bad "$1: staging folder left: $left"
}
# wait_for FILE TEXT: up to 20 s for TEXT to appear in FILE.
wait_for() {
  local i
  for i in $(seq 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

"$walsim" run "${short[@]}" --out "$out" || { bad "the first run failed"; exit 1; }
before=$(state "$out")

# 1. A chart that cannot be written: exit 2 naming it, old folder untouched.
msg=$(WALSIM_FAULT=fail:wal.png "$walsim" run "${short[@]}" --seed 7 --out "$out" 2>&1); rc=$?
[ "$rc" = 2 ] && ok || bad "chart failure exited $rc: $msg"
case "$msg" in *"wal.png"*"was left as it was"*) ok ;; *) bad "chart failure message: $msg" ;; esac
[ "$(state "$out")" = "$before" ] && ok || bad "a chart failure changed the old folder"
no_staging "chart failure"

# 2. kill -9 while the charts are written: old folder intact; the staging
#    folder it leaves is removed by the next run.
WALSIM_FAULT=pause:latency.png "$walsim" run "${short[@]}" --seed 7 --out "$out" 2>"$tmp/err9" &
pid=$!
if wait_for "$tmp/err9" "paused before writing latency.png"; then
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  [ "$(state "$out")" = "$before" ] && ok || bad "kill -9 during charts changed the old folder"
  ls -A "$tmp" | grep -q '\.res\.walsim-stage\.' && ok || bad "kill -9 left no staging folder to clean (test is wrong)"
else
  bad "the paused run never reached the charts: $(cat "$tmp/err9")"; kill -9 "$pid" 2>/dev/null
fi

# 3. SIGINT while the charts are written: one line, exit 130, old folder intact.
WALSIM_FAULT=pause:latency.png "$walsim" run "${short[@]}" --seed 7 --out "$out" 2>"$tmp/errint" &
pid=$!
if wait_for "$tmp/errint" "paused before writing latency.png"; then
  kill -INT "$pid"; wait "$pid"; rc=$?
  [ "$rc" = 130 ] && ok || bad "SIGINT during charts exited $rc"
  grep -q "walsim: interrupted (SIGINT) while drawing the charts; nothing was written to $out" "$tmp/errint" \
    && ok || bad "SIGINT message: $(cat "$tmp/errint")"
  [ "$(state "$out")" = "$before" ] && ok || bad "SIGINT during charts changed the old folder"
  # The run's own staging is gone; the kill -9 one was cleaned when it started.
  no_staging "SIGINT during charts"
else
  bad "the paused run never reached the charts"; kill -9 "$pid" 2>/dev/null
fi

# 4. SIGINT and SIGTERM while simulating (an hour of simulated time takes
#    seconds): exit 130 / 143, "simulating variant default".
for sig in INT TERM; do
  "$walsim" run --quiet --set duration=1h --variant default --out "$out" 2>"$tmp/errsim" &
  pid=$!
  for i in $(seq 100); do ls -A "$tmp" | grep -q '\.res\.walsim-stage\.' && break; sleep 0.05; done
  sleep 0.3
  kill -$sig "$pid"; wait "$pid"; rc=$?
  want=$([ $sig = INT ] && echo 130 || echo 143)
  [ "$rc" = "$want" ] && ok || bad "SIG$sig while simulating exited $rc, expected $want"
  grep -q "interrupted (SIG$sig) while simulating variant default (1 of 1); nothing was written to $out" "$tmp/errsim" \
    && ok || bad "SIG$sig message: $(cat "$tmp/errsim")"
  [ "$(state "$out")" = "$before" ] && ok || bad "SIG$sig while simulating changed the old folder"
  no_staging "SIG$sig while simulating"
done
# kill -9 while simulating: the old folder stays, the staging folder is
# left, and the next run on the same --out removes it.
"$walsim" run --quiet --set duration=1h --variant default --out "$out" 2>/dev/null &
pid=$!
for i in $(seq 100); do ls -A "$tmp" | grep -q '\.res\.walsim-stage\.' && break; sleep 0.05; done
kill -9 "$pid"; wait "$pid" 2>/dev/null
[ "$(state "$out")" = "$before" ] && ok || bad "kill -9 while simulating changed the old folder"
ls -A "$tmp" | grep -q '\.res\.walsim-stage\.' && ok || bad "kill -9 while simulating left no staging (test is wrong)"
"$walsim" run "${short[@]}" --out "$out" >/dev/null 2>&1 || bad "the run after kill -9 failed"
no_staging "the run after kill -9"
before=$(state "$out")

# 5. Two writers on one --out: the second is refused (exit 2), the first
#    completes, and the folder is the first one's whole set.
WALSIM_FAULT=pause:summary.json "$walsim" run "${short[@]}" --seed 11 --out "$out" 2>"$tmp/erra" &
pid=$!
if wait_for "$tmp/erra" "paused before writing summary.json"; then
  msg=$("$walsim" run "${short[@]}" --seed 12 --out "$out" 2>&1); rc=$?
  [ "$rc" = 2 ] && ok || bad "the second writer exited $rc: $msg"
  case "$msg" in *"another walsim is writing this folder"*) ok ;; *) bad "second writer message: $msg" ;; esac
  [ "$(state "$out")" = "$before" ] && ok || bad "the refused writer changed the folder"
  # walsim plot adds files to a folder: it takes the same lock
  msg=$("$walsim" plot "$out" 2>&1); rc=$?
  [ "$rc" = 2 ] && case "$msg" in *"another walsim is writing this folder"*) true ;; *) false ;; esac \
    && ok || bad "plot during a run exited $rc: $msg"
  kill -INT "$pid"; wait "$pid"
  [ "$(state "$out")" = "$before" ] && ok || bad "the interrupted first writer changed the folder"
else
  bad "the first writer never paused"; kill -9 "$pid" 2>/dev/null
fi
# Both at once, no hook: each exits 0 (complete) or 2 (refused); the folder
# is one run's complete set.
"$walsim" run "${short[@]}" --seed 21 --out "$out" 2>"$tmp/e1" & p1=$!
"$walsim" run "${short[@]}" --seed 22 --out "$out" 2>"$tmp/e2" & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
case "$r1$r2" in 00|02|20) ok ;; *) bad "concurrent writers exited $r1 and $r2: $(cat "$tmp/e1" "$tmp/e2")" ;; esac
"$walsim" run "${short[@]}" --seed 21 --out "$tmp/ref21" 2>/dev/null
"$walsim" run "${short[@]}" --seed 22 --out "$tmp/ref22" 2>/dev/null
now=$(state "$out")
[ "$now" = "$(state "$tmp/ref21")" ] || [ "$now" = "$(state "$tmp/ref22")" ] && ok \
  || bad "after two concurrent writers the folder is neither run's set"
no_staging "concurrent writers"

# 6. walsim sweep: the same transaction.  A chart failure and SIGINT while
#    the charts are drawn leave the previous sweep folder as it was.
sw=$tmp/sw
sweep=(sweep --quiet --param max_wal_size=1GB,2GB --set duration=5s --variant default)
"$walsim" "${sweep[@]}" --out "$sw" || bad "the first sweep failed"
swbefore=$(state "$sw")
msg=$(WALSIM_FAULT=fail:sweep-tps.png "$walsim" "${sweep[@]}" --seed 3 --out "$sw" 2>&1); rc=$?
[ "$rc" = 2 ] && ok || bad "sweep chart failure exited $rc: $msg"
[ "$(state "$sw")" = "$swbefore" ] && ok || bad "a sweep chart failure changed the old folder"
WALSIM_FAULT=pause:sweep-tps.png "$walsim" "${sweep[@]}" --seed 3 --out "$sw" 2>"$tmp/errsw" &
pid=$!
if wait_for "$tmp/errsw" "paused before writing sweep-tps.png"; then
  kill -INT "$pid"; wait "$pid"; rc=$?
  [ "$rc" = 130 ] && ok || bad "SIGINT during sweep charts exited $rc"
  grep -q "interrupted (SIGINT) while drawing the sweep's charts; nothing was written to $sw" "$tmp/errsw" \
    && ok || bad "sweep SIGINT message: $(cat "$tmp/errsw")"
  [ "$(state "$sw")" = "$swbefore" ] && ok || bad "SIGINT during sweep charts changed the old folder"
else
  bad "the paused sweep never reached the charts: $(cat "$tmp/errsw")"; kill -9 "$pid" 2>/dev/null
fi
no_staging "sweep faults"

# 7. A full disk: a 200 KB tmpfs holds the old folder; the new one does not
#    fit.  Root and a working mount only.
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/mnt" && mount -t tmpfs -o size=200k tmpfs "$tmp/mnt" 2>/dev/null; then
  mnt=$tmp/mnt
  mkdir "$mnt/res" && echo '{"old": true}' > "$mnt/res/summary.json"
  old=$(state "$mnt/res")
  msg=$("$walsim" run "${short[@]}" --out "$mnt/res" 2>&1); rc=$?
  [ "$rc" = 2 ] && ok || bad "full disk exited $rc: $msg"
  case "$msg" in *"$mnt/res/"*"No space left on device"*"was left as it was"*) ok ;;
    *) bad "full disk message: $msg" ;; esac
  [ "$(state "$mnt/res")" = "$old" ] && ok || bad "a full disk changed the old folder"
  left=$(ls -A "$mnt" | grep -E 'walsim-(stage|old)' || true)
  [ -z "$left" ] && ok || bad "full disk left $left"
  umount "$mnt" && mnt=
else
  echo "skipping the full-disk case: needs root and mount -t tmpfs"
fi

echo "test_faults: $passes passed, $fails failed"
[ "$fails" = 0 ]
