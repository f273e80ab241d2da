#!/usr/bin/env python3
"""make_fixture.py - writes the hand-made output folders the chart tests read.

    python3 tests/unit/data/plot/make_fixture.py      (from the repository root)

run/     a `walsim run` folder as docs/outputs.md describes it (summary.json
         schema_version 2): three variants of the checkpoint-smoothing scenario,
         600 one-second intervals each, WAL-triggered checkpoints (write and sync
         phases) for `default` and `pg-default`, one long timed checkpoint for
         `optimized`, latency spikes in sync phases; the last checkpoint of
         `default` is still running at the end (empty fields in checkpoints.csv).
         Every variant has a measurement window (WINDOWS below; timeline.csv's
         in_window column; summary.json's figures and latency_cdf.csv cover the
         window only): `default` from 60 s, clean; `optimized` from 120 s,
         OVERLOADED (offered 8000/s) with 0 complete checkpoint cycles;
         `pg-default` a cold start (a latency and throughput transient over its
         first two minutes) from 150 s.
         run/summary_v1.json is the same run as an older walsim wrote it
         (schema_version 1: whole run, no window, no warnings): the charts of
         such a folder are drawn as before.
broken/  the same files, smaller, schema 1, with the column lat_p99_ms missing.
sweep1/  sweep.csv over one parameter (max_wal_size), 3 seeds, 2 variants.
sweep2/  sweep.csv over two parameters (max_wal_size x checkpoint_timeout).
sweep3/  sweep.csv with the columns of measurement windows (docs/outputs.md):
         max_wal_size 1GB..64GB, 2 seeds, variants `default` (closed loop) and
         `open-2000` (2000 tx/s offered); 95 % intervals (tps_lo/_hi,
         p50_latency_lo_ms/_hi_ms, p99_latency_lo_ms/_hi_ms), `open-2000`
         overloaded at 1GB and 2GB (p99 of a growing queue, 60-90 s), and
         fewer than 2 checkpoint cycles at 32GB and 64GB.
sweep4/  the same columns over two parameters (max_wal_size x
         checkpoint_timeout), one seed, `open-2000` only, overloaded at 1GB.

The figures are shaped like a real run of the model (README.md: default 3800 tps,
p99 56 ms; optimized 7100 tps) but made up: they exist to exercise the charts.
Deterministic: a fixed seed, numbers printed with %.9g as walsim does.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1 << 20
GIB = 1 << 30
BLCKSZ = 8192
N = 600

# Measurement windows (summary.json "window", "warnings"); see the docstring.
WINDOWS = {
    "default": {"start": 60, "warmup": "auto", "cold": False, "overloaded": False,
                "offered": None, "warnings": []},
    "optimized": {"start": 120, "warmup": "auto", "cold": False, "overloaded": True,
                  "offered": 8000,
                  "warnings": [
                      "OVERLOADED: offered 8000 tx/s, completed %(tps).0f tx/s, backlog +%(backlog).0f tx/s; "
                      "bottleneck device: 3000 of 3000 IOPS (reads 2950/s)",
                      "too few checkpoint cycles: %(cycles)d complete cycles in the 8 min window "
                      "(at least 2 needed); checkpoint figures are not steady state"]},
    "pg-default": {"start": 150, "warmup": "set", "cold": True, "overloaded": False,
                   "offered": None,
                   "warnings": ["cold start: empty shared buffers at t=0 (start = cold)"]},
}

VARIANTS = [
    # name, max_wal_size, checkpoint_timeout, completion target, first start,
    # period (s), write phase (s), sync phase (s), base tps
    ("default", 1 * GIB, 300, 0.5, 45, 75, 38, 5, 4100),
    ("optimized", 50 * GIB, 1800, 0.9, 110, 10**9, 420, 7, 7200),
    ("pg-default", 1 * GIB, 300, 0.9, 25, 80, 66, 4, 4000),
]


def g(x):
    return "%.9g" % x


def lognorm_cdf(x, median, sigma):
    if x <= 0:
        return 0.0
    return 0.5 * (1 + math.erf(math.log(x / median) / (sigma * math.sqrt(2))))


def checkpoints_of(v):
    name, mws, timeout, cct, first, period, wlen, slen, tps = v
    out = []
    t = first
    while t < N:
        out.append((t, t + wlen, t + wlen + slen))
        t += period
    return out


def phase_at(cks, t0, t1):
    """sync if a sync phase overlaps [t0, t1), else write if a write phase does."""
    ph = "idle"
    for s, ss, e in cks:
        if ss < t1 and e > t0:
            return "sync"
        if s < t1 and min(ss, N) > t0:
            ph = "write"
    return ph


def timeline(v, rnd, windows=None):
    name, mws, timeout, cct, first, period, wlen, slen, tps_base = v
    cks = checkpoints_of(v)
    cold = windows is not None and windows[name]["cold"]
    rows = []
    pg_wal = 0.62 * mws if mws < 4 * GIB else 2.1 * GIB
    dirty = 180000.0
    os_dirty = 0.15 * GIB
    for t in range(N):
        ph = phase_at(cks, t, t + 1)
        started = sum(1 for s, _, _ in cks if t <= s < t + 1)
        # Seconds since the latest checkpoint start: full-page images are
        # densest right after the redo pointer moves, then thin out.
        since = min([t - s for s, _, _ in cks if s <= t] or [10**6])
        fpi_factor = math.exp(-since / 25.0) if since < 10**6 else 0.05
        noise = rnd.gauss(0, 1)
        if ph == "sync":
            tps = tps_base * (0.35 + 0.1 * rnd.random())
            p50 = 7.5 + rnd.random() * 3
            p99 = 140 + rnd.random() * 160
            mx = p99 * (1.3 + rnd.random())
        elif ph == "write":
            tps = tps_base * (0.86 - 0.18 * fpi_factor) + 60 * noise
            p50 = 6.1 + 0.4 * fpi_factor + 0.1 * noise
            p99 = 38 + 25 * fpi_factor + 4 * abs(noise)
            mx = p99 * (1.4 + 0.8 * rnd.random())
        else:
            tps = tps_base + 50 * noise
            p50 = 5.9 + 0.05 * noise
            p99 = 6.4 + 0.4 * abs(noise)
            mx = 9 + 4 * rnd.random()
        if cold:
            # Empty caches: reads and first-touch images slow everything
            # down for about two minutes.
            k = math.exp(-t / 40.0)
            p50 *= 1 + 3 * k
            p99 *= 1 + 8 * k
            mx *= 1 + 8 * k
            tps *= 1 - 0.6 * k
        p50 = max(p50, 0.5)
        mean = p50 * (1.05 if ph == "idle" else 1.4 if ph == "write" else 2.5)
        p95 = p50 + 0.55 * (p99 - p50)
        p999 = p99 + 0.5 * (mx - p99)
        tx = tps
        fpi_share = 0.25 + 0.7 * fpi_factor if name != "optimized" else 0.4 + 0.5 * fpi_factor
        wal = tx * (1200 + 9000 * fpi_share)
        fpi_b = wal * fpi_share
        rec_b = wal - fpi_b
        nfpi = int(fpi_b / 7600)
        pg_wal += wal
        for s, ss, e in cks:
            if t <= e < t + 1 and mws < 4 * GIB:
                pg_wal = 0.55 * mws  # recycled at the end of the checkpoint
        pg_wal = min(pg_wal, 1.06 * mws)
        bclean = int(40 + 20 * rnd.random()) if ph == "idle" else 0
        if ph == "write":
            wrate = 2600 if name == "default" else 1500 if name == "pg-default" else 520
            bckpt = int(wrate * (0.9 + 0.2 * rnd.random()))
        else:
            bckpt = 0
        dirty += tx * 0.18 - bckpt - bclean
        dirty = max(dirty, 20000)
        bback = int(5 * rnd.random()) if ph != "idle" else 0
        ckb = bckpt * BLCKSZ
        if ph == "write":
            os_dirty += ckb * 1.2
        elif ph == "sync":
            os_dirty *= 0.45
        else:
            os_dirty = os_dirty * 0.97 + 0.01 * GIB
        os_dirty = min(os_dirty, 2.4 * GIB)
        os_wb = (0.08 * GIB + 0.1 * os_dirty) if ph != "idle" else 0.02 * GIB
        dev_wal = wal * 1.05
        dev_ckpt = ckb * 0.62 if ph == "write" else os_dirty * 0.9 if ph == "sync" else 0
        dev_ckpt = min(dev_ckpt, 90 * MIB)
        dev_bgw = bclean * BLCKSZ * 0.5
        dev_back = bback * BLCKSZ
        dev_wb = (0.22 * ckb) if ph == "write" else 4 * MIB * rnd.random()
        dev_read = (2 + rnd.random()) * MIB
        total = dev_wal + dev_ckpt + dev_bgw + dev_back + dev_wb + dev_read
        util = min(1.0, total / (125 * MIB))
        throttle = 0.0 if os_dirty < 1.6 * GIB else 40 * rnd.random()
        row = [name, t, g(tps), g(mean), g(p50), g(p95), g(p99), g(p999), g(mx), ph, started,
               int(wal), int(fpi_b), int(wal) - int(fpi_b), nfpi, int(pg_wal), int(dirty),
               int(os_dirty), int(os_wb), bckpt, bclean, bback, int(dev_read), int(dev_wal),
               int(dev_ckpt), int(dev_bgw), int(dev_back), int(dev_wb), g(util), g(throttle)]
        if windows is not None:
            row.append(1 if t >= windows[name]["start"] else 0)
        rows.append(row)
    return rows


TIMELINE_HDR = ("variant,t_s,tps,lat_mean_ms,lat_p50_ms,lat_p95_ms,lat_p99_ms,lat_p999_ms,"
                "lat_max_ms,ckpt_phase,ckpt_started,wal_bytes,wal_fpi_bytes,wal_rec_bytes,wal_fpi,"
                "pg_wal_bytes,dirty_buffers,os_dirty_bytes,os_writeback_bytes,buffers_checkpoint,"
                "buffers_clean,buffers_backend,dev_read_bytes,dev_wal_bytes,dev_checkpoint_bytes,"
                "dev_bgwriter_bytes,dev_backend_bytes,dev_writeback_bytes,dev_util,throttle_ms")

CKPT_HDR = ("variant,n,cause,start_s,sync_start_s,end_s,write_s,sync_s,total_s,buffers,buffers_pct,"
            "sync_files,longest_sync_s,average_sync_s,distance_bytes,estimate_bytes,wal_added,"
            "wal_removed,wal_recycled")


def checkpoint_rows(v, rnd):
    name, mws, timeout, cct, first, period, wlen, slen, tps = v
    rows = []
    for i, (s, ss, e) in enumerate(checkpoints_of(v)):
        cause = "wal" if mws < 4 * GIB else "time"
        buffers = int(wlen * (2600 if name == "default" else 1500 if name == "pg-default" else 520))
        pct = 100.0 * buffers / (16 * GIB / BLCKSZ)
        dist = int(0.45 * mws) if mws < 4 * GIB else int(6.2 * GIB)
        if e <= N:
            rows.append([name, i + 1, cause, g(s), g(ss), g(e), g(wlen), g(slen), g(wlen + slen),
                         buffers, g(round(pct, 1)), 143, g(slen * 0.6), g(slen / 143.0), dist,
                         int(dist * 0.97), 0, 0, 28])
        elif ss <= N:
            rows.append([name, i + 1, cause, g(s), g(ss), "", "", "", "", "", "", "", "", "",
                         "", "", "", "", ""])
        else:
            rows.append([name, i + 1, cause, g(s), "", "", "", "", "", "", "", "", "", "", "", "",
                         "", "", ""])
    return rows


def cdf_rows(name, tl):
    """The variant's latency CDF from per-phase lognormal mixtures, in the
    histogram's buckets (hist.h: lower edge 100 ns, growth 1.02)."""
    parts = []
    for r in tl:
        tps, p50, p99, ph = float(r[2]), float(r[4]), float(r[6]), r[9]
        sigma = max(0.05, math.log(max(p99, p50 * 1.01) / p50) / 2.326)
        parts.append((tps, p50, sigma))
    total = sum(w for w, _, _ in parts)
    out = []
    lo = 1e-4  # ms
    edge = lo
    prev = 0.0
    mx = max(float(r[8]) for r in tl)
    while edge < mx * 1.02:
        edge *= 1.02
        c = sum(w * lognorm_cdf(edge, m, s) for w, m, s in parts) / total
        if c - prev > 1e-7:
            out.append([name, g(edge), g(min(c, 1.0))])
            prev = c
    out.append([name, g(edge), "1"])
    return out


def quantile(cdf, q):
    for _, x, c in cdf:
        if float(c) >= q:
            return float(x)
    return float(cdf[-1][1])


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")


def window_json(name, w, tl, cks, tps):
    """summary.json "window", "intervals", "warnings" and "relative" of a variant."""
    starts = [float(c[3]) for c in cks[name] if float(c[3]) >= w["start"]]
    cycles = max(0, len(starts) - 1)
    cycle_mean = (starts[-1] - starts[0]) / cycles if cycles else None
    offered = w["offered"]
    backlog = (offered - tps) if offered else 0
    dev_util = sum(float(r[28]) for r in tl if r[1] >= w["start"]) / (N - w["start"])
    win = ('{"start_s": %s, "end_s": %d, "length_s": %s, "warmup": "%s", "transient_ended": true, '
           '"start": "%s", "warm_phase_s": %s, "duration": "set", "checkpoint_cycles": %d, '
           '"cycle_s_mean": %s, "open_loop": %s, "overloaded": %s, "offered_tps": %s, '
           '"backlog_slope_per_s": %s, "bottleneck": %s, "device_utilization": %s, '
           '"cpu_utilization": %s, "wal_flush_utilization": %s}') % (
        g(w["start"]), N, g(N - w["start"]), w["warmup"], "cold" if w["cold"] else "warm",
        "null" if w["cold"] else "137", cycles, "null" if cycle_mean is None else g(cycle_mean),
        "true" if offered else "false", "true" if w["overloaded"] else "false",
        "null" if offered is None else g(offered), g(backlog),
        '"device: 3000 of 3000 IOPS (reads 2950/s)"' if w["overloaded"] else "null",
        g(dev_util), g(0.41), g(0.12))
    warnings = [x % {"tps": tps, "backlog": backlog, "cycles": cycles} for x in w["warnings"]]
    return win, cycles, warnings


def summary(variants, tls, cdfs, cks, windows=None):
    """summary.json: schema_version 1 (whole run) without windows, else 2
    (every figure from the variant's window, docs/outputs.md)."""
    lines = ['{', '  "schema_version": %d,' % (1 if windows is None else 2),
             '  "walsim_version": "0.1.0",',
             '  "scenario": {', '    "file": "scenarios/checkpoint-smoothing.conf",',
             '    "slug": "checkpoint-smoothing",',
             '    "name": "Checkpoint smoothing: default vs optimized"', '  },',
             '  "variants": {']
    for i, v in enumerate(variants):
        name, mws, timeout, cct, first, period, wlen, slen, _ = v
        tl, cdf = tls[name], cdfs[name]
        start = 0 if windows is None else windows[name]["start"]
        tl = [r for r in tl if r[1] >= start]
        span = N - start
        tx = sum(float(r[2]) for r in tl)
        wal = sum(int(r[11]) for r in tl)
        fpi = sum(int(r[12]) for r in tl)
        ck = [c for c in cks[name] if float(c[3]) >= start]
        done = [c for c in ck if c[5] != ""]
        timed = sum(1 for c in ck if c[2] == "time")
        lat = {"p50": quantile(cdf, 0.5), "p95": quantile(cdf, 0.95), "p99": quantile(cdf, 0.99),
               "p999": quantile(cdf, 0.999), "max": max(float(r[8]) for r in tl),
               "mean": sum(float(r[2]) * float(r[3]) for r in tl) / tx}
        latj = ", ".join('"%s": %s' % (k, g(x)) for k, x in lat.items())
        lines += ['    "%s": {' % name,
                  '      "pg_version": 15,', '      "seed": 42,', '      "duration_s": %d,' % span,
                  '      "transactions": %d,' % int(tx), '      "tps": %s,' % g(tx / span),
                  '      "latency_ms": {"count": %d, %s},' % (int(tx), latj),
                  '      "checkpoints": {"timed": %d, "requested": %d, "completed": %d, "warnings": 0, "skipped": 0},'
                  % (timed, len(ck) - timed, len(done)),
                  '      "wal": {"bytes": %d, "bytes_per_tx": %s, "fpi_bytes": %d, "fpi_share": %s},'
                  % (wal, g(wal / tx), fpi, g(fpi / wal)),
                  '      "pg_wal_peak_bytes": %d,' % max(int(r[15]) for r in tl),
                  '      "os_dirty_peak_bytes": %d,' % max(int(r[17]) for r in tl),
                  '      "device_utilization": %s,' % g(sum(float(r[28]) for r in tl) / span),
                  '      "limits": {"shared_buffers_bytes": %d, "max_wal_size_bytes": %d, '
                  '"min_wal_size_bytes": %d, "os_dirty_background_bytes": %d, "os_dirty_limit_bytes": %d},'
                  % (16 * GIB, mws, 80 * MIB, 1600000000, 3200000000),
                  '      "settings": {"max_wal_size": "%s", "checkpoint_timeout": "%s", '
                  '"checkpoint_completion_target": "%s"}' % (
                      "%dGB" % (mws // GIB), "%dmin" % (timeout // 60), g(cct))]
        if windows is not None:
            win, cycles, warnings = window_json(name, windows[name], tls[name], cks, tx / span)
            ci = lambda x: '{"est": %s, "lo": %s, "hi": %s}' % (g(x), g(x * 0.97), g(x * 1.03))
            lines[-1] += ","
            lines += ['      "window": %s,' % win,
                      '      "intervals": {"method": "cycles", "batches": %d, "tps": %s, '
                      '"latency_mean_ms": %s, "p50_ms": %s, "p99_ms": %s, "p999_ms": %s, '
                      '"wal_bytes_per_tx": %s},' % (
                          cycles, ci(tx / span), ci(lat["mean"]), ci(lat["p50"]), ci(lat["p99"]),
                          ci(lat["p999"]), ci(wal / tx)),
                      '      "warnings": [%s],' % ", ".join('"%s"' % w for w in warnings),
                      '      "relative": null']
        lines += ['    }' + ("," if i + 1 < len(variants) else "")]
    lines += ['  },', '  "notes": []', '}']
    return "\n".join(lines) + "\n"


def write_run(d, variants, n_rows=None, drop_col=None, windows=None):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(42)
    tls, cdfs, cdfs_all, cks = {}, {}, {}, {}
    for v in variants:
        tls[v[0]] = timeline(v, rnd, windows)
        start = 0 if windows is None else windows[v[0]]["start"]
        # latency_cdf.csv covers the window, as the summary's percentiles.
        cdfs[v[0]] = cdf_rows(v[0], [r for r in tls[v[0]] if r[1] >= start])
        cdfs_all[v[0]] = cdf_rows(v[0], tls[v[0]])
        cks[v[0]] = checkpoint_rows(v, rnd)
    hdr = TIMELINE_HDR.split(",") + (["in_window"] if windows is not None else [])
    rows = [r for v in variants for r in (tls[v[0]][:n_rows] if n_rows else tls[v[0]])]
    if drop_col:
        k = hdr.index(drop_col)
        hdr = hdr[:k] + hdr[k + 1:]
        rows = [r[:k] + r[k + 1:] for r in rows]
    write_csv(os.path.join(d, "timeline.csv"), ",".join(hdr), rows)
    write_csv(os.path.join(d, "checkpoints.csv"), CKPT_HDR, [r for v in variants for r in cks[v[0]]])
    write_csv(os.path.join(d, "latency_cdf.csv"), "variant,latency_ms,cdf",
              [r for v in variants for r in cdfs[v[0]]])
    with open(os.path.join(d, "summary.json"), "w") as f:
        f.write(summary(variants, tls, cdfs, cks, windows))
    if windows is not None:
        # The same run as schema_version 1 described it: whole run, no window.
        with open(os.path.join(d, "summary_v1.json"), "w") as f:
            f.write(summary(variants, tls, cdfs_all, cks))


def size_text(b):
    return "%dGB" % (b // GIB)


def write_sweep1(d):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(7)
    sizes = [1, 2, 4, 8, 16, 32, 64]
    hdr = ("point,seed,max_wal_size,max_wal_size_num,variant,tps,p99_latency_ms,checkpoints_req,"
           "wal_bytes_per_tx_bytes,pg_wal_peak_bytes,fpi_share")
    rows = []
    for p, gb in enumerate(sizes):
        for seed in (1, 2, 3):
            for var, cct in (("cct-0.5", 0.5), ("cct-0.9", 0.9)):
                f = math.log2(gb) / 6.0  # 0 .. 1
                tps = 3800 + 3300 * f * (1.08 if cct == 0.9 else 1.0) + rnd.gauss(0, 60)
                p99 = (58 - 50 * f) * (0.75 if cct == 0.9 else 1) + abs(rnd.gauss(0, 2.5))
                req = max(0, int(round(100 / gb - 1.5 + rnd.gauss(0, 1)))) if gb < 32 else 0
                walpt = 10200 * (1 - 0.8 * f) + rnd.gauss(0, 150)
                peak = min(gb * GIB * 1.02, (0.9 + 14 * f) * GIB) * (1 + 0.02 * rnd.random())
                fpi = 0.956 - 0.25 * f + rnd.gauss(0, 0.005)
                rows.append([p, seed, "%dGB" % gb, gb * GIB, var, g(tps), g(p99), req, g(walpt),
                             int(peak), g(fpi)])
    write_csv(os.path.join(d, "sweep.csv"), hdr, rows)


def write_sweep2(d):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(9)
    sizes = [1, 4, 16, 64]
    timeouts = [(5, "5min"), (15, "15min"), (30, "30min")]
    hdr = ("point,seed,max_wal_size,max_wal_size_num,checkpoint_timeout,checkpoint_timeout_num,"
           "variant,tps,p99_latency_ms,checkpoints_req")
    rows = []
    p = 0
    for gb in sizes:
        for mins, text in timeouts:
            for seed in (1, 2):
                f = math.log2(gb) / 6.0
                ft = mins / 30.0
                tps = 3800 + 2600 * f + 700 * ft * f + rnd.gauss(0, 40)
                p99 = 60 - 40 * f - 8 * ft + abs(rnd.gauss(0, 1.5))
                req = max(0, int(round(90 / gb * (0.4 + ft)))) if gb < 32 else 0
                rows.append([p, seed, "%dGB" % gb, gb * GIB, text, mins * 60, "default", g(tps),
                             g(p99), req])
            p += 1
    write_csv(os.path.join(d, "sweep.csv"), hdr, rows)


WINDOW_COLS = ("window_s,warmup_s,checkpoint_cycles,overloaded,offered_tps,tps_lo,tps_hi,"
               "p50_latency_lo_ms,p50_latency_hi_ms,p99_latency_lo_ms,p99_latency_hi_ms,warnings")


def window_cells(rnd, tps, p50, p99, cycles, overloaded, offered, rel):
    """The window columns of a sweep.csv row: intervals of relative half
    width about `rel` (none, empty, for an overloaded run: its figures have
    no steady state to estimate)."""
    warn = int(overloaded) + int(cycles < 2)
    if overloaded:
        ci = ["", "", "", "", "", ""]
    else:
        def iv(x):
            w = x * rel * (0.8 + 0.4 * rnd.random())
            return [g(x - w), g(x + w)]
        ci = iv(tps) + iv(p50) + iv(p99)
    return [g(1500), g(300), cycles, int(overloaded), "" if offered is None else g(offered)] + \
        ci + [warn]


def write_sweep3(d):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(11)
    sizes = [1, 2, 4, 8, 16, 32, 64]
    hdr = ("point,seed,max_wal_size,max_wal_size_num,variant,tps,p50_latency_ms,p99_latency_ms,"
           "checkpoints_req," + WINDOW_COLS)
    rows = []
    for p, gb in enumerate(sizes):
        for seed in (1, 2):
            for var in ("default", "open-2000"):
                f = math.log2(gb) / 6.0
                cycles = 1 if gb >= 32 else int(12 / (1 + f * 3))
                req = max(0, int(round(100 / gb - 1.5 + rnd.gauss(0, 1)))) if gb < 32 else 0
                if var == "default":
                    tps = 3800 + 2600 * f + rnd.gauss(0, 50)
                    p50 = 6.2 - 1.0 * f + rnd.gauss(0, 0.05)
                    p99 = 58 - 42 * f + abs(rnd.gauss(0, 1.5))
                    over, offered, rel = False, None, 0.03 + 0.05 * (gb >= 32)
                else:
                    over = gb <= 2
                    offered = 2000
                    if over:
                        tps = 640 + 300 * f + rnd.gauss(0, 10)
                        p50 = 31000 + 9000 * rnd.random()
                        p99 = 62000 + 28000 * rnd.random()
                    else:
                        tps = 2000 + rnd.gauss(0, 6)
                        p50 = 7.5 - 1.2 * f + rnd.gauss(0, 0.05)
                        p99 = 45 - 25 * f + abs(rnd.gauss(0, 1.5))
                    rel = 0.04 + 0.06 * (gb >= 32)
                rows.append([p, seed, "%dGB" % gb, gb * GIB, var, g(tps), g(p50), g(p99), req] +
                            window_cells(rnd, tps, p50, p99, cycles, over, offered, rel))
    write_csv(os.path.join(d, "sweep.csv"), hdr, rows)


def write_sweep4(d):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(13)
    sizes = [1, 4, 16, 64]
    timeouts = [(5, "5min"), (15, "15min"), (30, "30min")]
    hdr = ("point,seed,max_wal_size,max_wal_size_num,checkpoint_timeout,checkpoint_timeout_num,"
           "variant,tps,p50_latency_ms,p99_latency_ms," + WINDOW_COLS)
    rows = []
    p = 0
    for gb in sizes:
        for mins, text in timeouts:
            f = math.log2(gb) / 6.0
            ft = mins / 30.0
            over = gb == 1
            cycles = 1 if (gb >= 64 and mins >= 15) else 6
            if over:
                tps, p50, p99 = 700 + rnd.gauss(0, 10), 35000.0, 81000 + 5000 * rnd.random()
            else:
                tps = 2000 + rnd.gauss(0, 5)
                p50 = 7.4 - 1.1 * f + rnd.gauss(0, 0.05)
                p99 = 45 - 24 * f - 6 * ft + abs(rnd.gauss(0, 1.0))
            rows.append([p, 1, "%dGB" % gb, gb * GIB, text, mins * 60, "open-2000", g(tps), g(p50),
                         g(p99)] + window_cells(rnd, tps, p50, p99, cycles, over, 2000, 0.05))
            p += 1
    write_csv(os.path.join(d, "sweep.csv"), hdr, rows)


if __name__ == "__main__":
    write_run(os.path.join(HERE, "run"), VARIANTS, windows=WINDOWS)
    write_run(os.path.join(HERE, "broken"), VARIANTS[:2], n_rows=30, drop_col="lat_p99_ms")
    write_sweep1(os.path.join(HERE, "sweep1"))
    write_sweep2(os.path.join(HERE, "sweep2"))
    write_sweep3(os.path.join(HERE, "sweep3"))
    write_sweep4(os.path.join(HERE, "sweep4"))
