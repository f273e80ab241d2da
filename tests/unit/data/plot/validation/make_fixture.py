#!/usr/bin/env python3
"""Writes the hand-made validation folder test_plot.c draws: validation.json
and validation_timeline.csv as `walsim validate` writes them
(docs/validate.md), 120 one-second intervals.  Run from anywhere; the files
go next to this script.  Deterministic (no random module, a fixed LCG).

What the tests rely on (test_plot.c):
  tps           measured exactly 1000 in [20, 30) and 1800 in [60, 70);
                simulated exactly 1500 in [20, 30) and 1200 in [60, 70);
                whole window: measured 1100, simulated 1450
  p99 (ms)      [20, 30): measured 15, simulated 5; [60, 70): 4 and 9;
                whole window 8 and 6
  p50 (ms)      [20, 30): measured 4, simulated 3; [60, 70): 2 and 3.5;
                whole window 4.2 and 3.1
  phases        measured: write 10..40, sync 40..42, write 70..100,
                sync 100..103, write from 115 to the end;
                simulated: write 12..45, sync 45..47, write 75..108,
                sync 108..110
  t = 50 s      no measured transaction: tps 0, latency cells empty
"""
import os

N = 120
here = os.path.dirname(os.path.abspath(__file__))

state = 12345


def noise(scale):
    """A value in [-scale, scale) from a 31-bit LCG (glibc's constants)."""
    global state
    state = (1103515245 * state + 12345) % (1 << 31)
    return (state / (1 << 31) * 2 - 1) * scale


def phase(t, spans):
    for a, b, p in spans:
        if a <= t < b:
            return p
    return "idle"


meas_spans = [(10, 40, "write"), (40, 42, "sync"), (70, 100, "write"), (100, 103, "sync"),
              (115, N, "write")]
sim_spans = [(12, 45, "write"), (45, 47, "sync"), (75, 108, "write"), (108, 110, "sync")]


def fmt(v):
    return "" if v is None else "%.9g" % v


rows = []
for t in range(N):
    mp, sp = phase(t, meas_spans), phase(t, sim_spans)
    m_tps = 1000 + noise(60)
    s_tps = 1500 + noise(10)
    m_p50, s_p50 = 4 + noise(0.4), 3 + noise(0.05)
    m_p99, s_p99 = 15 + noise(3), 5 + noise(0.2)
    if mp == "sync":
        m_tps, m_p99 = 700 + noise(30), 120 + noise(5)
    if sp == "sync":
        s_tps, s_p99 = 1300 + noise(10), 20 + noise(1)
    if 20 <= t < 30:
        m_tps, s_tps, m_p99, s_p99, m_p50, s_p50 = 1000, 1500, 15, 5, 4, 3
    if 60 <= t < 70:
        m_tps, s_tps, m_p99, s_p99, m_p50, s_p50 = 1800, 1200, 4, 9, 2, 3.5
    m_mean, s_mean = m_p50 * 1.2, s_p50 * 1.05
    if t == 50:
        m_tps, m_mean, m_p50, m_p99 = 0, None, None, None
    rows.append([t, round(m_tps), round(s_tps), m_mean, s_mean, m_p50, s_p50, m_p99, s_p99, mp, sp])

with open(os.path.join(here, "validation_timeline.csv"), "w") as f:
    f.write("t_s,meas_tps,sim_tps,meas_lat_mean_ms,sim_lat_mean_ms,meas_lat_p50_ms,sim_lat_p50_ms,"
            "meas_lat_p99_ms,sim_lat_p99_ms,meas_ckpt_phase,sim_ckpt_phase\n")
    for r in rows:
        f.write(",".join([str(r[0])] + [fmt(v) for v in r[1:9]] + r[9:]) + "\n")

# name, unit, measured, simulated, goal, tolerance
figures = [
    ("checkpoints_timed", "count", 3, 2, "exact", 0),
    ("checkpoints_req", "count", 0, 0, "exact", 0),
    ("checkpoint_write_s", "s", 30.0, 33.0, "relative", 0.1),
    ("checkpoint_sync_s", "s", 2.5, 2.0, None, None),
    ("buffers_per_checkpoint", "count", 5000, 4000, "relative", 0.1),
    ("wal_bytes_per_tx", "bytes", 8000, 8400, "relative", 0.1),
    ("fpi_share", "ratio", 0.9, 0.88, "relative", 0.1),
    ("tps", "1/s", 1100, 1450, "relative", 0.15),
    ("mean_latency_ms", "ms", 5.0, 3.3, None, None),
    ("p50_latency_ms", "ms", 4.2, 3.1, None, None),
    ("p99_latency_ms", "ms", 8.0, 6.0, "relative", 0.25),
    ("buffers_clean_per_tx", "per tx", 0.25, None, None, None),
]


def status(m, s, goal, tol):
    if m is None:
        return "n/a", None
    if s is None:
        return ("FAIL" if goal else "-"), None
    rel = (s - m) / abs(m) if m else 0.0
    if goal is None:
        return "-", rel
    ok = (s == m) if goal == "exact" else abs(rel) <= tol
    return ("PASS" if ok else "FAIL"), rel


def jnum(v):
    return "null" if v is None else "%.9g" % v


def jstr(v):
    return "null" if v is None else '"%s"' % v


out = []
goals = passed = failed = 0
for name, unit, m, s, goal, tol in figures:
    st, rel = status(m, s, goal, tol)
    if goal:
        goals += 1
        passed += st == "PASS"
        failed += st == "FAIL"
    out.append('    {"name": "%s", "unit": "%s", "measured": %s, "simulated": %s, "rel_error": %s, '
               '"goal": %s, "tolerance": %s, "status": "%s", "measured_source": "fixture", '
               '"simulated_source": "fixture"}'
               % (name, unit, jnum(m), jnum(s), jnum(rel), jstr(goal), jnum(tol), st))

with open(os.path.join(here, "validation.json"), "w") as f:
    f.write("""{
  "schema_version": 1,
  "walsim_version": "0.1.0",
  "scenario": {"file": "tests/fixture.conf", "variant": "base", "duration_s": 120, "warmup_s": 0, "interval_s": 1},
  "inputs": [
    {"kind": "pg_log", "file": "server.log"},
    {"kind": "pgbench_log", "file": "txlog.txt"}
  ],
  "measured": {
    "window": {"start_epoch": 1795545000.000000, "end_epoch": 1795545120.000000, "length_s": 120, "source": "fixture"},
    "transactions_in_window": 132000,
    "transactions_between_snapshots": null,
    "transactions_source": null,
    "checkpoints": []
  },
  "rows": [
%s
  ],
  "summary": {"goals": %d, "passed": %d, "failed": %d, "not_measured": 0, "result": "%s"},
  "notes": ["a hand-made fixture for test_plot.c"]
}
""" % (",\n".join(out), goals, passed, failed, "FAIL" if failed else "PASS"))
