# Independent re-computation of calibrate's uniform fit (P fixed) on run A:
# data points from pgbench_progress.txt, db_samples.csv, server.log; 1-D least squares by golden section.
import csv, math, re, sys
from datetime import datetime, timezone
A = sys.argv[1]
prog = []
for l in open(A + '/pgbench_progress.txt'):
    m = re.match(r'progress: ([\d.]+) s, ([\d.]+) tps', l)
    if m: prog.append((float(m.group(1)), float(m.group(2))))
# each report covers the time since the previous one; the first as long as the second step
knots = []
t_prev = prog[0][0] - (prog[1][0] - prog[0][0])
cum = 0.0
knots.append((t_prev, 0.0))
for t, tps in prog:
    cum += round(tps * (t - t_prev)); knots.append((t, cum)); t_prev = t
def T(t):
    if t <= knots[0][0]: return 0.0
    if t >= knots[-1][0]: return knots[-1][1]
    for (a, ca), (b, cb) in zip(knots, knots[1:]):
        if a <= t <= b: return ca + (cb - ca) * (t - a) / (b - a)
samples = []
for fn in ['wal_before.csv', 'db_samples.csv', 'wal_after.csv']:
    for r in csv.DictReader(open(A + '/' + fn)):
        samples.append((float(r['epoch']), float(r['wal_fpi'])))
samples.sort()
def F(t):
    for (a, va), (b, vb) in zip(samples, samples[1:]):
        if a <= t <= b:
            if b - a > 10: return None
            return va + (vb - va) * (t - a) / (b - a) if b > a else vb
    return None
starts = []
for l in open(A + '/server.log'):
    m = re.match(r'^(\S+ \S+) UTC .*checkpoint starting: ', l)
    if m: starts.append(datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=timezone.utc).timestamp())
E0 = min(float(next(csv.DictReader(open(A + '/bgwriter_before.csv')))['epoch']), samples[0][0])
E1 = samples[-1][0]
pts = []
tx_end = knots[-1][0]
for k, s in enumerate(starts):
    if not (E0 <= s < E1): continue
    e = starts[k + 1] if k + 1 < len(starts) and starts[k + 1] < E1 else E1
    f0 = F(s)
    if f0 is None: continue
    t0 = T(s)
    for t, v in samples:
        if s < t < e and t <= tx_end:
            n = T(t) - t0
            if n >= 1: pts.append((n, v - f0))
P = float(sys.argv[2])
def rss(w): return sum((P * (1 - math.exp(-w * n / P)) - i) ** 2 for n, i in pts)
a, b = 0.1, 5.0
g = (math.sqrt(5) - 1) / 2
for _ in range(200):
    c = b - g * (b - a); d = a + g * (b - a)
    if rss(c) < rss(d): b = d
    else: a = c
w = (a + b) / 2
print(len(pts), 'points; w =', w, 'rms', math.sqrt(rss(w) / len(pts)))
