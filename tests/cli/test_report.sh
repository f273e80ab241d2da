#!/usr/bin/env bash
# The design-review report (walsim report, and run's default report.html /
# report.md): valid HTML (html5lib's strict parser, else a tag-balance check
# with python's html.parser; xmllint --html when present), self-contained
# (no script, no network, charts as data: URIs), every scenario string
# escaped, the content a reviewer needs (variants, intervals, warnings,
# recovery split, assumptions with sources, the footer's scenario hash), the
# Markdown twin with links to the PNGs, --no-report, bad folders (exit 2),
# --diff; then headless Chromium renders it to PNG and PDF (installed with
# apt-get when root and missing; that part is skipped cleanly elsewhere).
# Usage: test_report.sh WALSIM SOURCE_DIR   (exit 77: skipped)
set -u
walsim=$1
src=${2:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The built-in scenario (three variants, [expect] lines), short; a
# description full of markup to prove the escaping.
desc='<script>alert(1)</script> & "quoted" <b>bold</b>'
"$walsim" run --set duration=3min --set "description=$desc" --out "$tmp/out" --quiet ||
  fail "walsim run exited $?"
for f in report.html report.md; do
  [ -s "$tmp/out/$f" ] || fail "run wrote no $f"
done

# A python with html5lib: the one on PATH, the system's, or the system's
# after installing python3-html5lib (root only); else the fallback check.
py=python3
if ! python3 -c 'import html5lib' 2>/dev/null; then
  if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import html5lib' 2>/dev/null &&
     [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-html5lib \
      >/dev/null 2>&1 || true
  fi
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import html5lib' 2>/dev/null && py=/usr/bin/python3
fi
"$py" - "$tmp/out" <<'PY' || exit 1
import base64, hashlib, html.parser, json, os, re, sys
d = sys.argv[1]
page = open(os.path.join(d, "report.html"), encoding="utf-8").read()
md = open(os.path.join(d, "report.md"), encoding="utf-8").read()
summ = json.load(open(os.path.join(d, "summary.json")))

def fail(msg):
    print("FAIL:", msg); sys.exit(1)

# 1. a parser: html5lib strict if installed, else a balance check
try:
    import html5lib
    html5lib.HTMLParser(strict=True).parse(page)
    print("ok: html5lib strict parse")
except ImportError:
    VOID = {"meta", "img", "br", "hr", "link", "input", "col", "wbr", "source"}
    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(); self.stack = []
        def handle_starttag(self, t, a):
            if t not in VOID: self.stack.append((t, self.getpos()))
        def handle_endtag(self, t):
            if not self.stack or self.stack[-1][0] != t:
                fail(f"</{t}> at {self.getpos()} closes {self.stack[-1] if self.stack else 'nothing'}")
            self.stack.pop()
    p = P(); p.feed(page); p.close()
    if p.stack: fail(f"unclosed tags: {p.stack[:5]}")
    print("ok: tags balance (html.parser; html5lib not installed)")
except Exception as e:
    fail(f"html5lib: {e}")

# 2. self-contained, escaped
if re.search(r"<script", page, re.I): fail("a <script> element in the page")
if re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page, re.I): fail("a network reference")
imgs = re.findall(r'<img [^>]*src="([^"]*)"', page)
if len(imgs) < 3: fail(f"only {len(imgs)} charts inlined")
for s in imgs:
    if not s.startswith("data:image/png;base64,"): fail(f"image not inlined: {s[:60]}")
    if base64.b64decode(s.split(",", 1)[1])[:4] != b"\x89PNG": fail("inlined image is not a PNG")
if "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;" not in page:
    fail("the scenario's description is not HTML-escaped")
md_text = re.sub(r"^```.*?^```", "", md, flags=re.S | re.M)  # code blocks are literal
if "<b>bold</b>" in page or "<b>bold</b>" in md_text: fail("markup from the scenario went through")
if "@media print" not in page or "break-inside:avoid" not in page: fail("no print style")

# 3. content
for v in summ["variants"]:
    if v not in page or v not in md: fail(f"variant {v} missing")
if not re.search(r"\[\d+\.\d+, \d+\.\d+\]", page): fail("no confidence interval")
for v, x in summ["variants"].items():
    for w in x["warnings"]:
        if w.split(":")[0] not in page: fail(f"warning of {v} missing: {w}")
if "WARNING optimized" not in page: fail("the optimized variant's warning is not shown")
for must in ["At a glance", "Settings that differ", "postgres.max_wal_size", "Ratios against",
             "pg_wal peak", "end-of-recovery", "Expectations", "Assumptions used",
             "replay rate", "lz4", "aws-gp3", "os.cpu_wal_kb", "Full effective configuration",
             "default (PostgreSQL 15)", "checkpoint-smoothing.conf:", "Reproduce"]:
    if must not in page: fail(f"'{must}' missing from the HTML")
h = summ["scenario"]["sha256"]
if not re.fullmatch(r"[0-9a-f]{64}", h or ""): fail(f"summary.json sha256 is {h!r}")
if h not in page or h not in md: fail("the footer does not show the scenario hash")
if summ["reproduce"]["command"] not in page.replace("&#39;", "'").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"'):
    fail("the footer does not show the command")
for k in ["redo_s", "read_s", "checkpoint_s"]:
    if k not in summ["variants"]["default"]["recovery"]: fail(f"recovery.{k} missing")
rec = summ["variants"]["default"]["recovery"]
if abs(rec["redo_s"] + rec["read_s"] + rec["checkpoint_s"] - rec["worst_case_s"]) > 1e-3 * rec["worst_case_s"] + 1e-6:
    fail(f"recovery parts do not add up: {rec}")
# 4. Markdown: same sections, links to PNGs beside it
links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
if len(links) < 3: fail("Markdown links fewer than 3 charts")
for l in links:
    if not os.path.exists(os.path.join(d, l)): fail(f"Markdown links a missing file {l}")
for must in ["At a glance", "Assumptions used", "Reproduce", "WARNING optimized"]:
    if must not in md: fail(f"'{must}' missing from the Markdown")
print(f"ok: content ({len(imgs)} charts, {len(page)//1024} kB)")
PY

if command -v xmllint >/dev/null 2>&1; then
  # libxml2's HTML 4 parser does not know HTML5 elements (figure, footer):
  # only other complaints count.
  errs=$(xmllint --html --noout "$tmp/out/report.html" 2>&1 |
         grep -v -E 'Tag (figure|figcaption|footer) invalid' | grep -E 'error' || true)
  [ -z "$errs" ] || fail "xmllint: $errs"
  echo "ok: xmllint --html"
fi

# walsim report again: same bytes (nothing from the wall clock).
cp "$tmp/out/report.html" "$tmp/first.html"
"$walsim" report "$tmp/out" >/dev/null || fail "walsim report exited $?"
cmp -s "$tmp/first.html" "$tmp/out/report.html" || fail "walsim report wrote other bytes than run"

# --no-report; bad folders exit 2 and write nothing.
"$walsim" run --set duration=1min --variant default --no-report --out "$tmp/nr" --quiet ||
  fail "run --no-report exited $?"
[ ! -e "$tmp/nr/report.html" ] || fail "--no-report wrote report.html"
mkdir "$tmp/empty"
"$walsim" report "$tmp/empty" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "report of an empty folder exited $rc"
grep -q "summary.json" "$tmp/err" || fail "message does not name summary.json: $(cat "$tmp/err")"
[ ! -e "$tmp/empty/report.html" ] || fail "a failed report left report.html"
echo '{"variants": 3}' > "$tmp/empty/summary.json"
"$walsim" report "$tmp/empty" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "report of a foreign summary.json exited $rc"
"$walsim" report 2>/dev/null; [ $? -eq 2 ] || fail "report without DIR should exit 2"

# --diff: the other seed's run, compared in the report.
"$walsim" run --set duration=3min --seed 7 --out "$tmp/seed7" --quiet --no-report || fail "seed 7 run"
"$walsim" report "$tmp/out" --diff "$tmp/seed7" >/dev/null || fail "report --diff exited $?"
grep -q "Compared with" "$tmp/out/report.html" || fail "no comparison section with --diff"
grep -q -E "overlap" "$tmp/out/report.html" || fail "the comparison does not say whether intervals overlap"
echo "ok: report command, --no-report, bad input, --diff"

# A sweep's folder gets a report too.
"$walsim" sweep --set duration=1min --variant default --param checkpoint_timeout=1min,5min \
  --jobs 1 --out "$tmp/sw" >"$tmp/sweep.out" || fail "sweep exited $?"
# its table on stdout: a row per point, the first the reference, ratios after
grep -q -E '^point +checkpoint_timeout +variant +tps +p50 ms +p99 ms +ckpt t/req +WAL B/tx +pg_wal +recovery' \
  "$tmp/sweep.out" || { cat "$tmp/sweep.out"; fail "no sweep table header"; }
grep -q -E '^0 +1min +default .*\(reference\)' "$tmp/sweep.out" || fail "no reference row"
grep -q -E '^1 +5min +default .*tps x[0-9.]+, p99 x[0-9.]+, WAL/tx x[0-9.]+, recovery x[0-9.]+' \
  "$tmp/sweep.out" || { cat "$tmp/sweep.out"; fail "no ratios against point 0"; }
[ -s "$tmp/sw/report.html" ] || fail "sweep wrote no report.html"
grep -q "checkpoint_timeout" "$tmp/sw/report.html" || fail "sweep report lacks the parameter"
grep -q "walsim-stage" "$tmp/sw/report.html" && fail "sweep report names the staging folder"
grep -q "Sweep of &lt;built-in&gt;/checkpoint-smoothing.conf" "$tmp/sw/report.html" ||
  fail "sweep report does not name the scenario"
grep -q "walsim sweep --set &#39;duration=1min&#39;" "$tmp/sw/report.html" ||
  fail "sweep report lacks the command"

# A real browser: render to PNG and PDF.
"$walsim" report "$tmp/out" >/dev/null || fail "walsim report exited $?"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
    >"$tmp/apt.log" 2>&1 || { apt-get update >/dev/null 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
    >"$tmp/apt.log" 2>&1; }
  chrome=$(command -v chromium || true)
fi
if [ -z "$chrome" ]; then
  echo "SKIP: the browser part: no chromium and it cannot be installed here"
  exit 77
fi
shot=${WALSIM_REPORT_SHOT:-$tmp/report.png}
run_chrome() {
  timeout 180 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$tmp/chrome" "$@" "file://$tmp/out/report.html" \
    >"$tmp/chrome.log" 2>&1
}
run_chrome --screenshot="$shot" --window-size=1280,2000 || true
run_chrome --print-to-pdf="$tmp/report.pdf" --no-pdf-header-footer || true
[ -s "$shot" ] || { cat "$tmp/chrome.log"; fail "chromium wrote no screenshot"; }
[ -s "$tmp/report.pdf" ] || { cat "$tmp/chrome.log"; fail "chromium wrote no PDF"; }
python3 - "$shot" "$tmp/report.pdf" <<'PY' || exit 1
import os, re, struct, sys
png, pdf = sys.argv[1], sys.argv[2]
b = open(png, "rb").read()
if b[:8] != b"\x89PNG\r\n\x1a\n": print("FAIL: screenshot is not a PNG"); sys.exit(1)
w, h = struct.unpack(">II", b[16:24])
if (w, h) != (1280, 2000) or len(b) < 50000:
    print(f"FAIL: screenshot {w}x{h}, {len(b)} bytes"); sys.exit(1)
p = open(pdf, "rb").read()
pages = len(re.findall(rb"/Type\s*/Page[^s]", p))
if p[:5] != b"%PDF-" or pages < 2 or len(p) < 100000:
    print(f"FAIL: PDF {len(p)} bytes, {pages} pages"); sys.exit(1)
print(f"ok: chromium rendered a {w}x{h} screenshot ({len(b)//1024} kB) and a {pages}-page PDF ({len(p)//1024} kB)")
PY
