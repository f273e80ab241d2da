#!/usr/bin/env bash
# The Debian package (issue 17): cpack -G DEB builds walsim_VERSION_ARCH.deb
# with Depends from dpkg-shlibdeps; `dpkg-deb -c` lists the command, the
# library, the header, the man page, the completion and the scenarios.
# As root, where no walsim package is installed already, the test installs
# it with dpkg -i, runs `walsim --version`, `man walsim` and the completion
# from it, and removes it again (dpkg -P walsim).
# Usage: test_deb.sh WALSIM SOURCE_DIR.  Skips (77) without dpkg-deb or
# cpack, or without dpkg-shlibdeps when it cannot install dpkg-dev.
set -u
walsim=$1
build=$(cd "$(dirname "$walsim")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
root=0
[ "$(id -u)" = 0 ] && root=1

[ -f "$build/CPackConfig.cmake" ] || { echo "SKIP: no CPackConfig.cmake in $build"; exit 77; }
# A sanitizer or fuzz build is for tests, not to be packaged: its library needs
# the sanitizer runtime loaded first.
grep -Eq '^WALSIM_(SANITIZE|FUZZ):BOOL=ON' "$build/CMakeCache.txt" &&
  { echo "SKIP: a sanitizer or fuzz build"; exit 77; }
for c in dpkg-deb cpack; do
  command -v $c >/dev/null || { echo "SKIP: $c not found"; exit 77; }
done
if ! command -v dpkg-shlibdeps >/dev/null && [ $root = 1 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null 2>&1
fi
command -v dpkg-shlibdeps >/dev/null || { echo "SKIP: dpkg-shlibdeps (dpkg-dev) not found"; exit 77; }

cmake --build "$build" --target walsim_shared walsim_man >/dev/null || { bad "build"; exit 1; }
# Only what the package installs is built again; its staging goes to $tmp.
if ! (cd "$build" && cpack -G DEB -B "$tmp" >"$tmp/cpack.log" 2>&1); then
  cat "$tmp/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1
fi
deb=$(ls "$tmp"/walsim_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && ok || { bad "no walsim_*.deb in $tmp"; exit 1; }

list=$(dpkg-deb -c "$deb")
for f in ./usr/bin/walsim ./usr/lib/libwalsim.so.0 ./usr/lib/libwalsim.a \
         ./usr/lib/pkgconfig/walsim.pc ./usr/include/walsim/walsim.h \
         ./usr/share/man/man1/walsim.1 ./usr/share/bash-completion/completions/walsim \
         ./usr/share/zsh/site-functions/_walsim ./usr/share/walsim/scenarios/checkpoint-smoothing.conf; do
  echo "$list" | grep -q " $f\( \|$\)" && ok || bad "the package lacks $f"
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in libc6 libgsl27 libcairo2 libfontconfig1; do
  case "$depends" in *"$d"*) ok ;; *) bad "Depends lacks $d: $depends" ;; esac
done
case "$(dpkg-deb -f "$deb" Recommends)" in *man-db*bash-completion*) ok ;; *) bad "Recommends" ;; esac
[ "$(dpkg-deb -f "$deb" Package)" = walsim ] && ok || bad "package name"
version=$("$walsim" --version | awk 'NR == 1 {print $2}')
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] && ok || bad "package version is not $version"

# Installed for real: as root, and only where it replaces nothing.
if [ $root = 0 ] || ! command -v dpkg >/dev/null; then
  echo "note: not root, the package is not installed"
elif dpkg-query -W -f '${Status}' walsim 2>/dev/null | grep -q "ok installed" || [ -e /usr/bin/walsim ]; then
  echo "note: a walsim is installed already, the package is not installed over it"
elif ! dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then
  if grep -q "lock" "$tmp/dpkg.log"; then
    echo "note: dpkg is locked by another process, the package is not installed"
  else
    cat "$tmp/dpkg.log"; bad "dpkg -i"
    dpkg -P walsim >/dev/null 2>&1
  fi
else
  ok
  out=$(/usr/bin/walsim --version 2>&1)
  case "$out" in "walsim $version"*) ok ;; *) bad "installed walsim --version: $out" ;; esac
  if ! command -v man >/dev/null && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends man-db >/dev/null 2>&1
  fi
  if command -v man >/dev/null; then
    page=$(MANWIDTH=80 man walsim 2>&1)
    case "$page" in *"walsim - offline simulator"*"walsim run"*) ok ;;
                    *) bad "man walsim: $(echo "$page" | head -3)" ;; esac
  fi
  bash -c 'source /usr/share/bash-completion/completions/walsim; COMP_WORDS=(walsim ru)
           COMP_CWORD=1; _walsim; echo "${COMPREPLY[@]}"' | grep -qx run && ok ||
    bad "the installed completion does not complete 'ru'"
  out=$(cd "$tmp" && /usr/bin/walsim lint /usr/share/walsim/scenarios/disks.conf 2>&1) && ok ||
    bad "walsim lint of an installed scenario: $out"
  # -P (purge) rather than -r: nothing of the package is left in dpkg's records.
  dpkg -P walsim >"$tmp/dpkg.log" 2>&1 && ok || { cat "$tmp/dpkg.log"; bad "dpkg -P walsim"; }
  [ ! -e /usr/bin/walsim ] && ok || bad "/usr/bin/walsim left after dpkg -P"
fi

echo "test_deb: $passes passed, $fails failed"
[ $fails = 0 ]
