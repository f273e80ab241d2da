#!/usr/bin/env python3
"""Writes the libFuzzer dictionaries tests/fuzz/*.dict from the sources:
setting keys and their enum values (src/scenario/*.def), section names,
units, metric names (src/judge/metrics.c), and the string literals of the
importers and readers.  Run from the repository root after adding a key
or a metric; the output is committed."""
import re, pathlib

root = pathlib.Path(__file__).resolve().parents[2]

def lits(path, lo=2, hi=40):
    out = []
    for s in re.findall(r'"((?:[^"\\\n]|\\.)*)"', (root / path).read_text()):
        if lo <= len(s) <= hi and '%' not in s and '\\' not in s and not s.endswith('.h'):
            out.append(s)
    return out

def write(name, words):
    seen, lines = set(), []
    for w in words:
        if w and w not in seen:
            seen.add(w)
            esc = ''.join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else
                          '\\x%02x' % ord(c) for c in w)  # one byte per char (latin-1)
            lines.append('"%s"' % esc)
    (root / 'tests/fuzz' / name).write_text(
        '# libFuzzer dictionary, written by tests/fuzz/gen_dicts.py\n' + '\n'.join(lines) + '\n')
    print(name, len(lines))

units = ['B', 'kB', 'MB', 'GB', 'TB', 'us', 'ms', 's', 'min', 'h', 'd', '/s', '/min', '/h',
         '/d', 'B/s', 'kB/s', 'MB/s', 'GB/s', '%']
sections = ['scenario', 'workload', 'table', 'transaction', 'postgres', 'os', 'disk', 'variant',
            'expect', 'events', 'bulk']
settings = (root / 'src/scenario/settings.def').read_text()
keys = re.findall(r'^WS_KEY\(\w+, \w+, "([^"]+)"', settings, re.M)
keys += re.findall(r'^WS_PG\((\w+),', (root / 'src/scenario/pg_settings.def').read_text(), re.M)
enums = [e for grp in re.findall(r'"([a-z0-9_.-]+(?:\|[a-z0-9_.-]+)+)"', settings)
         for e in grp.split('|')]
metrics = re.findall(r'^\s*\{"([a-z0-9_]+)", WS_MK_\w+, "([a-z0-9_]+)"',
                     (root / 'src/judge/metrics.c').read_text(), re.M)
suffix = {'MS': '_ms', 'SEC': '_s', 'SEC_CK': '_s', 'BYTES': '_bytes'}
for mac, name in re.findall(r'^\s*([A-Z_]+)\("([a-z0-9_]+)"',
                            (root / 'src/judge/metrics.c').read_text(), re.M):
    metrics.append((name, name + suffix.get(mac, '')))
metric_names = [m[0] for m in metrics]
columns = [m[1] for m in metrics]
write('fuzz_scenario.dict',
      ['[%s]' % s for s in sections] + ['[%s ' % s for s in sections] + keys +
      [k + ' = ' for k in ('phases', 'pg_version', 'max_wal_size', 'shared_buffers')] + enums +
      units + metric_names + ['default.', 'base.', '<', '<=', '>', '>=', '==', '!=', ' = ',
      '0=', '~', 'checkpoint at ', 'crash at ', 'shutdown at ', 'include ', "'", 'on', 'off',
      'true', 'false', '1e400', 'nan', 'inf', '-0'])
write('fuzz_import.dict', lits('src/import/pglog.c') + lits('src/import/pgstats.c') +
      lits('src/import/pgbenchlog.c') + lits('src/import/textio.c') +
      ['LOG:  ', 'checkpoint starting: time', 'checkpoint complete: wrote ', ' buffers (',
       'write=', ' s, sync=', ' s, total=', 'distance=', ' kB, estimate=', '\n', ',', ' UTC '])
write('fuzz_readers.dict', ['{', '}', '[', ']', ':', ',', '"', 'true', 'false', 'null', '\\u',
      '\\ud800', 'e+308', '-0', '1e-400', '\r\n', '\xef\xbb\xbf', 'schema_version', 'variants'] +
      columns + lits('src/output/csvread.c') + lits('src/output/json.c'))
write('fuzz_roundtrip.dict', [',', '"', '\n', '\r', '\xff', '\xc3\xa9', '\xed\xa0\x80'])
