#!/usr/bin/env python3
"""Prints docs/validation.md's error-table rows from `walsim validate` outputs.

Usage: error-table.py DIR/RUN/validation.json ... [--measured-from docs/validation.md]

Each row is "measured / simulated (relative error)", **FAIL** where a goal
is missed (exact counts; 10 % for write phase, buffers, WAL, image share and
p50; 15 % for tps; 25 % for p99 and the sync-phase mean).  Runs validated
from a pgbench progress log (no per-transaction log committed) have no
measured latency percentiles in their JSON: with --measured-from, those
measured cells are taken from the same run's row of the existing document
(they were computed from the full per-transaction logs when recorded)."""
import json, os, re, sys

COLS = [("checkpoints_timed", "exact"), ("checkpoints_req", "exact"),
        ("checkpoint_write_s", 0.10), ("buffers_per_checkpoint", 0.10),
        ("wal_bytes_per_tx", 0.10), ("fpi_share", 0.10), ("tps", 0.15),
        ("p99_latency_ms", 0.25), ("p50_latency_ms", 0.10),
        ("mean_latency_sync_ms", 0.25)]
FMT = {"checkpoints_timed": "{:.0f}", "checkpoints_req": "{:.0f}",
       "checkpoint_write_s": "{:.2f}", "buffers_per_checkpoint": "{:.0f}",
       "wal_bytes_per_tx": "{:.0f}", "fpi_share": "{:.3f}", "tps": "{:.0f}",
       "p99_latency_ms": "{:.1f}", "p50_latency_ms": "{:.2f}",
       "mean_latency_sync_ms": "{:.1f}"}


def old_measured(doc, run):
    """The measured halves of RUN's row in an existing table, by column."""
    for line in open(doc):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == run and len(cells) == len(COLS) + 1:
            return [c.split(" / ")[0] if " / " in c else None for c in cells[1:]]
    return None


def main(argv):
    doc = None
    if "--measured-from" in argv:
        i = argv.index("--measured-from")
        doc = argv[i + 1]
        del argv[i:i + 2]
    for path in argv:
        run = os.path.basename(os.path.dirname(path))
        rows = {r["name"]: r for r in json.load(open(path))["rows"]}
        old = old_measured(doc, run) if doc else None
        cells = []
        for k, (name, goal) in enumerate(COLS):
            r = rows.get(name)
            m = r["measured"] if r else None
            s = r["simulated"] if r else None
            if m is None and old and old[k] not in (None, "-"):
                m = float(old[k])
            if m is None or s is None:
                cells.append("-")
                continue
            if name in ("checkpoints_timed", "checkpoints_req") and m == 0 and s == 0:
                cells.append("0 / 0")
                continue
            err = (s - m) / m if m else float("inf")
            fail = (m != s) if goal == "exact" else abs(err) > goal + 1e-9
            c = "%s / %s (%+.0f %%)" % (FMT[name].format(m), FMT[name].format(s), 100 * err)
            cells.append(c + (" **FAIL**" if fail else ""))
        print("| %s | %s |" % (run, " | ".join(cells)))


if __name__ == "__main__":
    main(sys.argv[1:])
