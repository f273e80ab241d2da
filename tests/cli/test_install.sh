#!/usr/bin/env bash
# Installation (issue 17): cmake --install of the build tree into a
# temporary prefix; a C program built against it with pkg-config (the
# example examples/summary.c) gives the figures `walsim run` gives; the man
# page renders with `man -l`; the bash completion loads and completes a
# command, an option and a key after --set (and zsh's, where zsh is).
# Usage: test_install.sh WALSIM SOURCE_DIR.  Skips (77) without a C
# compiler or pkg-config.
set -u
walsim=$1
src=$2
build=$(cd "$(dirname "$walsim")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$build/CMakeCache.txt" ] || { echo "SKIP: $build is not a CMake build tree"; exit 77; }
# A sanitizer or fuzz build is for tests, not to be installed: its library needs
# the sanitizer runtime loaded first.
grep -Eq '^WALSIM_(SANITIZE|FUZZ):BOOL=ON' "$build/CMakeCache.txt" &&
  { echo "SKIP: a sanitizer or fuzz build"; exit 77; }
for c in cc pkg-config; do
  command -v $c >/dev/null || { echo "SKIP: $c not found"; exit 77; }
done

# What ctest runs may predate the library and man page targets: build them.
cmake --build "$build" --target walsim_shared walsim_man >/dev/null || { bad "build"; exit 1; }
p=$tmp/prefix
# cmake --install rewrites the build tree's install_manifest.txt, which
# make uninstall reads: keep the user's.
manifest=$build/install_manifest.txt
[ -f "$manifest" ] && cp "$manifest" "$tmp/manifest.keep"
trap '[ -f "$tmp/manifest.keep" ] && cp "$tmp/manifest.keep" "$manifest" || rm -f "$manifest"; rm -rf "$tmp"' EXIT
if ! cmake --install "$build" --prefix "$p" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1
fi

pc=$(find "$p" -name walsim.pc)
libdir=$(dirname "$(dirname "$pc")")
for f in bin/walsim include/walsim/walsim.h share/man/man1/walsim.1 \
         share/bash-completion/completions/walsim share/zsh/site-functions/_walsim \
         share/walsim/scenarios/checkpoint-smoothing.conf; do
  [ -f "$p/$f" ] && ok || bad "not installed: $f"
done
for f in libwalsim.a libwalsim.so libwalsim.so.0; do
  [ -e "$libdir/$f" ] && ok || bad "not installed: $libdir/$f"
done
[ -n "$pc" ] && ok || bad "walsim.pc not installed"
# Only the umbrella header: the modules' headers stay internal.
n=$(find "$p/include" -type f | wc -l)
[ "$n" = 1 ] && ok || bad "$n headers installed, expected walsim.h alone"
grep -q '^#include "' "$p/include/walsim/walsim.h" && bad "walsim.h includes an internal header" || ok
# The shared library has a versioned SONAME and exports the walsim_ API only.
soname=$(objdump -p "$libdir/libwalsim.so" 2>/dev/null | awk '/SONAME/ {print $2}')
[ "$soname" = libwalsim.so.0 ] && ok || bad "SONAME '$soname', expected libwalsim.so.0"
if command -v nm >/dev/null; then
  other=$(nm -D --defined-only "$libdir/libwalsim.so" | awk '$2 == "T" && $3 !~ /^walsim_/' | head -3)
  [ -z "$other" ] && ok || bad "libwalsim.so exports more than walsim_*: $other"
fi

# A program built against the installed library, with pkg-config only.
export PKG_CONFIG_PATH=$libdir/pkgconfig
if cc -std=c11 -Wall -Wextra -Werror "$src/examples/summary.c" \
      $(pkg-config --cflags --libs walsim) -o "$tmp/summary" 2>"$tmp/cc.log"; then
  ok
else
  cat "$tmp/cc.log"; bad "the example does not build with pkg-config --cflags --libs walsim"
fi
# The header alone compiles as C99 (pedantic) and as C++.
printf '#include <walsim/walsim.h>\nint main(void) { return walsim_pg_version_min() > 0 ? 0 : 1; }\n' > "$tmp/c99.c"
cc -std=c99 -pedantic -Wall -Wextra -Werror -c "$tmp/c99.c" $(pkg-config --cflags walsim) -o "$tmp/c99.o" &&
  ok || bad "walsim.h does not compile as C99"
if command -v c++ >/dev/null; then
  cp "$tmp/c99.c" "$tmp/cxx.cpp"
  c++ -Wall -Wextra -Werror "$tmp/cxx.cpp" $(pkg-config --cflags --libs walsim) -o "$tmp/cxx" &&
    LD_LIBRARY_PATH=$libdir "$tmp/cxx" && ok || bad "walsim.h from C++"
fi
cat > "$tmp/small.conf" <<'CONF'
[scenario]
duration = 1min
warmup = 20s
seed = 3
[workload]
profile = pgbench
scale = 10
clients = 4
[postgres]
shared_buffers = 256MB
[variant small-wal]
max_wal_size = 256MB
[variant big-wal]
max_wal_size = 4GB
CONF
if [ -x "$tmp/summary" ]; then
  out=$(LD_LIBRARY_PATH=$libdir "$tmp/summary" "$tmp/small.conf" seed=4 2>&1); rc=$?
  [ $rc = 0 ] && ok || bad "summary exited $rc: $out"
  version=$("$p/bin/walsim" --version | awk 'NR == 1 {print $2}')
  case "$out" in "walsim $version, scenario $tmp/small.conf"*) ok ;; *) bad "summary's first line: $out" ;; esac
  # The same figures as `walsim run` with the same settings.
  "$p/bin/walsim" run "$tmp/small.conf" --set seed=4 --quiet --out "$tmp/run" || bad "walsim run"
  for v in small-wal big-wal; do
    got=$(echo "$out" | awk -v v=$v '$1 == v {print $2}')
    want=$(sed -n "/\"$v\"/,/\"tps\"/s/.*\"tps\": \([0-9.]*\).*/\1/p" "$tmp/run/summary.json" | head -1)
    [ -n "$got" ] && [ -n "$want" ] &&
      awk -v a="$got" -v b="$want" 'BEGIN { exit !(a > 0 && (a - b < 1 && b - a < 1)) }' && ok ||
      bad "variant $v: summary printed tps '$got', walsim run '$want'"
  done
  out=$(LD_LIBRARY_PATH=$libdir "$tmp/summary" "$tmp/small.conf" max_wal_size=lots 2>&1); rc=$?
  [ $rc = 2 ] && case "$out" in *max_wal_size*) true ;; *) false ;; esac && ok ||
    bad "a bad override: exit $rc, $out"
fi

# The man page renders without warnings and holds every command's help.
if ! command -v man >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends man-db >/dev/null 2>&1
fi
if command -v man >/dev/null; then
  page=$(MANWIDTH=100 man --warnings -l "$p/share/man/man1/walsim.1" 2>"$tmp/man.err")
  [ -s "$tmp/man.err" ] && bad "man -l warns: $(head -3 "$tmp/man.err")" || ok
  for needle in "walsim - offline simulator" "walsim advise" "--variant NAME" "max_wal_size" \
                "checkpoint_completion_target" "p99_latency" "Exit codes"; do
    case "$page" in *"$needle"*) ok ;; *) bad "man page lacks '$needle'" ;; esac
  done
  # Same text as the help: a line of `walsim help sweep` appears as is.
  line=$("$walsim" help sweep | grep -- '--shard K/N' | sed 's/^ *//')
  case "$page" in *"$line"*) ok ;; *) bad "man page lacks help sweep's line '$line'" ;; esac
else
  echo "note: man not found, the man page is not rendered"
fi

# The bash completion loads and completes a command, an option, a key.
comp=$p/share/bash-completion/completions/walsim
complete_words() { # WORDS...: the completions of the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _walsim
           printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
bash -c "source '$comp' && complete -p walsim" | grep -q -- '-F _walsim walsim' && ok ||
  bad "the bash completion does not register _walsim"
complete_words "$p/bin/walsim" adv | grep -qx advise && ok || bad "completion of 'adv'"
complete_words "$p/bin/walsim" run --va | grep -qx -- --variant && ok || bad "completion of 'run --va'"
complete_words "$p/bin/walsim" run --set max_wal_s | grep -qx max_wal_size= && ok ||
  bad "completion of '--set max_wal_s'"
complete_words "$p/bin/walsim" sweep --metric p99_lat | grep -qx p99_latency && ok ||
  bad "completion of '--metric p99_lat'"
complete_words "$p/bin/walsim" run "$p/share/walsim/scenarios/disks.conf" --variant aws | grep -qx aws-gp3 &&
  ok || bad "completion of '--variant aws' after a scenario file"
if command -v zsh >/dev/null; then
  zsh -n "$p/share/zsh/site-functions/_walsim" && ok || bad "_walsim: zsh syntax"
  # The completion function with zsh's builtins replaced by printing ones.
  out=$(zsh -fc '
    compadd() { print -r -- "${(j: :)@[(r)--,-1]:1}" }
    _files() { print FILES }
    _directories() { print DIRS }
    source "$1" >/dev/null
    words=("$2" adv); CURRENT=2; PREFIX=adv; _walsim
    words=("$2" run --set max_w); CURRENT=4; PREFIX=max_w; _walsim' _ \
    "$p/share/zsh/site-functions/_walsim" "$p/bin/walsim" 2>&1)
  case "$out" in *advise*max_wal_size*) ok ;; *) bad "zsh completion: $out" ;; esac
fi

echo "test_install: $passes passed, $fails failed"
[ $fails = 0 ]
