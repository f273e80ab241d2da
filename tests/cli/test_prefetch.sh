#!/usr/bin/env bash
# The buffer pool's prefetch survives the compiler.  GCC takes a function
# whose only effect is a prefetch for one without effects and deletes the
# calls of one it has not inlined (ipa-pure-const): from d6b7740 to
# 3fa2ead every map-slot prefetch was missing from the binary and an exact
# run spent a quarter of its time stalled in ws_bufpool_lookup.  This
# compiles a caller of ws_bufpool_prefetch at -O2 and looks for the
# prefetch instruction in the assembly (x86-64: prefetcht0; AArch64: prfm).
# Fails with bufpool.h's always_inline removed (GCC 12).
# Usage: test_prefetch.sh WALSIM SOURCE_DIR
set -u
src=$2
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || { echo "SKIP: no C compiler ($cc)"; exit 77; }
case "$(uname -m)" in
  x86_64) insn='prefetch' ;;
  aarch64) insn='prfm' ;;
  *) echo "SKIP: no prefetch instruction known for $(uname -m)"; exit 77 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/probe.c" <<'EOF'
#include "walsim/bufpool.h"
/* one call, and a loop as db.c's two stages have */
void probe_one(const ws_bufpool *bp, uint64_t page) { ws_bufpool_prefetch(bp, page); }
void probe_loop(const ws_bufpool *bp, const uint64_t *pages, int n)
{
    for (int i = 0; i < n; i++)
        ws_bufpool_prefetch(bp, pages[i]);
}
EOF
if ! "$cc" -std=c11 -O2 -I"$src/include" -S "$tmp/probe.c" -o "$tmp/probe.s" 2>"$tmp/err"; then
  echo "FAIL: the probe does not compile:"; cat "$tmp/err"; exit 1
fi
fails=0
for f in probe_one probe_loop; do
  n=$(awk -v f="$f" '$0 ~ "^"f":" {on=1; next} on && /^[A-Za-z_.][A-Za-z0-9_.]*:/ && !/^\.L/ {on=0} on' \
        "$tmp/probe.s" | grep -c "$insn")
  if [ "$n" -lt 1 ]; then
    echo "FAIL: $f has no $insn instruction: the compiler dropped ws_bufpool_prefetch"
    fails=$((fails + 1))
  else
    echo "ok: $f: $n $insn instruction(s)"
  fi
done
[ $fails -eq 0 ]
