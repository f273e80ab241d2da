#!/usr/bin/env python3
"""sampling_compare.py - headline figures of walsim output folders, and
their error against the first (the exact run, sampling = 1).

Usage: sampling_compare.py EXACT_DIR OTHER_DIR... [--tol PCT]
Prints one row per folder and variant; with --tol, exits 1 when a figure
is off by more than PCT % (checkpoint counts: when they differ at all).
"""
import json
import sys

FIGS = [  # (label, path, kind)
    ("WAL/tx", ("wal", "bytes_per_tx"), "rel"),
    ("FPI/tx", ("wal", "fpi_count"), "per_tx"),
    ("buf/ckpt", ("checkpoints", "buffers_mean"), "rel"),
    ("timed", ("checkpoints", "timed"), "exact"),
    ("req", ("checkpoints", "requested"), "exact"),
    ("tps", ("tps",), "rel"),
    ("p50", ("latency_ms", "p50"), "rel"),
    ("p99", ("latency_ms", "p99"), "rel"),
    ("pg_wal", ("pg_wal_peak_bytes",), "rel"),
]


def fig(v, path, kind):
    x = v
    for p in path:
        x = x[p]
    if kind == "per_tx":
        x = x / max(1, v["transactions"])
    return float(x)


def main(argv):
    tol = None
    if "--tol" in argv:
        i = argv.index("--tol")
        tol = float(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    dirs = argv[1:]
    runs = [json.load(open(d + "/summary.json"))["variants"] for d in dirs]
    bad = 0
    print("%-28s %-12s" % ("run", "variant") + "".join("%12s" % f[0] for f in FIGS))
    for d, run in zip(dirs, runs):
        for name, v in run.items():
            ref = runs[0].get(name)
            row = "%-28s %-12s" % (d[-28:], name)
            for label, path, kind in FIGS:
                x = fig(v, path, kind)
                if ref is None or run is runs[0]:
                    row += "%12.4g" % x
                    continue
                r = fig(ref, path, kind)
                if kind == "exact":
                    row += "%12s" % ("%d" % x if x == r else "%d!=%d" % (x, r))
                    bad += x != r
                else:
                    e = 100.0 * (x - r) / r if r else 0.0
                    row += "%+11.2f%%" % e
                    bad += tol is not None and abs(e) > tol
            print(row)
    return 1 if bad and tol is not None else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
