#!/usr/bin/env bash
# SVG charts keep their text as text (issue 16): every chart of the run
# fixture, drawn with a scenario name full of markup and non-ASCII, parses
# as XML (python3's xml.etree, else xmllint), has that name as the
# character data of a <text> element, and no glyph outline (<symbol>,
# "glyph" ids).  PNGs drawn in the same call are unaffected (their bytes
# equal those drawn alone).
# Usage: test_svg_text.sh WALSIM SOURCE_DIR   (exit 77: no XML parser)
set -u
walsim=$1
src=${2:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

parser=
if command -v python3 >/dev/null && python3 -c 'import xml.etree.ElementTree' 2>/dev/null; then
  parser=python3
elif command -v xmllint >/dev/null; then
  parser=xmllint
else
  echo "SKIP: neither python3 nor xmllint to parse the SVG"
  exit 77
fi

fixture=$src/tests/unit/data/plot/run
# The name in JSON (\" for the quote) and as the charts show it.
json_name='A \"q\" & <b>bold</b> > caf\u00e9 \u2713 10 \u00b5s #surface1'
shown='A "q" & <b>bold</b> > café ✓ 10 µs #surface1'
for d in svg png; do
  mkdir "$tmp/$d"
  cp "$fixture"/{summary.json,timeline.csv,checkpoints.csv,latency_cdf.csv} "$tmp/$d/"
  repl=$(printf '%s' "$json_name" | sed 's/[\\&|]/\\&/g') # literal in sed's replacement
  sed -i "s|\"name\": \"Checkpoint smoothing: default vs optimized\"|\"name\": \"$repl\"|" \
    "$tmp/$d/summary.json"
  grep -q 'caf\\u00e9' "$tmp/$d/summary.json" || fail "the fixture's scenario name was not replaced"
done
"$walsim" plot "$tmp/svg" --format png,svg >/dev/null || fail "walsim plot --format png,svg exited $?"
"$walsim" plot "$tmp/png" --format png >/dev/null || fail "walsim plot --format png exited $?"

n=0
for f in "$tmp"/svg/*.svg; do
  n=$((n + 1))
  name=$(basename "$f")
  grep -q '<symbol' "$f" && fail "$name has <symbol> glyph outlines"
  grep -q 'glyph' "$f" && fail "$name has glyph ids"
  grep -q '&amp; &lt;b&gt;bold&lt;/b&gt; &gt; café ✓ 10 µs #surface1</text>' "$f" ||
    fail "$name: the scenario name is not escaped text"
  if [ "$parser" = python3 ]; then
    python3 - "$f" "Scenario: $shown" <<'EOF' || fail "$name: not the expected XML"
import sys
import xml.etree.ElementTree as ET
path, want = sys.argv[1], sys.argv[2]
root = ET.parse(path).getroot()  # raises on malformed XML
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
texts = [t.text or "" for t in root.iter(ns + "text")]
assert len(texts) >= 10, "only %d <text> elements" % len(texts)
assert want in texts, "no <text> with %r" % want
assert not list(root.iter(ns + "symbol")), "a <symbol>"
EOF
  else
    xmllint --noout "$f" || fail "$name does not parse as XML"
    got=$(xmllint --xpath 'string(//*[local-name()="text"][starts-with(., "Scenario: ")])' "$f")
    [ "$got" = "Scenario: $shown" ] || fail "$name: subtitle is '$got'"
  fi
done
[ "$n" = 8 ] || fail "$n SVG charts, expected 8"

for f in "$tmp"/png/*.png; do
  cmp -s "$f" "$tmp/svg/$(basename "$f")" || fail "$(basename "$f") differs when drawn with the SVGs"
done
echo "ok: $n SVG charts with text as <text> ($parser)"
